import { FaultList } from '@vault-backup/simulator-kit';
import {
  type ActiveFault,
  type EndpointFamily,
  type FaultPlan,
  type FaultSpec,
  type SimulatedReply,
  WRITE_METHODS,
} from './fault.types';

const NO_FAULT: FaultPlan = Object.freeze({ fired: [] });

interface ThrottleWindow {
  second: number;
  accepted: number;
}

/**
 * Decides, per request, which configured faults fire. Rules are checked in the order they were
 * added; the first one that changes the answer wins, except `delay-after-write`, which combines
 * with a normal answer.
 */
export class FaultInjector {
  private readonly faults: FaultList<FaultSpec>;
  private readonly throttleWindows = new Map<string, ThrottleWindow>();

  constructor(private readonly random: () => number = Math.random) {
    let nextId = 1;
    this.faults = new FaultList(() => `f${nextId++}`);
  }

  add(spec: FaultSpec): ActiveFault {
    return this.faults.add(spec);
  }

  list(): readonly ActiveFault[] {
    return this.faults.list();
  }

  remove(id: string): boolean {
    this.throttleWindows.delete(id);
    return this.faults.remove(id);
  }

  clear(): void {
    this.faults.clear();
    this.throttleWindows.clear();
  }

  plan(family: EndpointFamily, method: string, nowMs: number): FaultPlan {
    const faults = this.faults.list();
    if (faults.length === 0) return NO_FAULT;
    const plan: FaultPlan = { fired: [] };
    for (const fault of faults) {
      if (!this.applies(fault.spec, family, method)) continue;
      if (fault.spec.type === 'delay-after-write') {
        if (plan.delayAfterMs === undefined && this.fires(fault)) {
          plan.delayAfterMs = fault.spec.delayMs;
          plan.fired.push(fault.spec.type);
        }
        continue;
      }
      if (!isUndecided(plan)) continue;
      this.applyBeforeFault(fault, plan, nowMs);
    }
    this.faults.dropSpent();
    return plan;
  }

  private applyBeforeFault(fault: ActiveFault, plan: FaultPlan, nowMs: number): void {
    const spec = fault.spec;
    if (spec.type === 'throttle') {
      if (this.withinThrottle(fault.id, spec.requestsPerSecond, nowMs)) return;
      this.faults.record(fault);
      plan.reply = rateLimited(spec.retryAfterSeconds);
      plan.fired.push(spec.type);
      return;
    }
    if (!this.fires(fault)) return;
    plan.fired.push(spec.type);
    switch (spec.type) {
      case 'http-error':
        plan.reply = serverError(spec.status, spec.body ?? 'json');
        return;
      case 'token-endpoint-down':
        plan.reply = serverError(503, 'json');
        return;
      case 'rate-limit':
        plan.reply = rateLimited(spec.retryAfterSeconds);
        return;
      case 'timeout':
        if (spec.answerAfterMs === undefined) plan.hang = true;
        else plan.delayBeforeMs = spec.answerAfterMs;
        return;
      case 'connection-reset':
        plan.reset = true;
        return;
      case 'delay-after-write':
        return;
    }
  }

  private applies(spec: FaultSpec, family: EndpointFamily, method: string): boolean {
    if (spec.type === 'token-endpoint-down') return family === 'token';
    if (spec.families && !spec.families.includes(family)) return false;
    const methods = spec.methods ?? (spec.type === 'delay-after-write' ? WRITE_METHODS : undefined);
    return !methods || methods.includes(method);
  }

  private fires(fault: ActiveFault): boolean {
    const rate = fault.spec.rate;
    if (rate !== undefined && this.random() >= rate) return false;
    this.faults.record(fault);
    return true;
  }

  /** Fixed one-second windows: simple, and enough to show a client backing off. */
  private withinThrottle(faultId: string, requestsPerSecond: number, nowMs: number): boolean {
    const second = Math.floor(nowMs / 1000);
    const window = this.throttleWindows.get(faultId);
    if (!window || window.second !== second) {
      this.throttleWindows.set(faultId, { second, accepted: 1 });
      return requestsPerSecond >= 1;
    }
    if (window.accepted >= requestsPerSecond) return false;
    window.accepted++;
    return true;
  }
}

/** True while no earlier fault has already decided how the request is answered. */
function isUndecided(plan: FaultPlan): boolean {
  return !plan.reply && !plan.hang && !plan.reset && plan.delayBeforeMs === undefined;
}

function rateLimited(retryAfterSeconds: number): SimulatedReply {
  return {
    status: 429,
    headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(retryAfterSeconds) },
    body: JSON.stringify({ ErrorCode: 'SIMTHROTTLE', ErrorMessage: 'Too many requests' }),
  };
}

function serverError(status: number, body: 'json' | 'html' | 'empty'): SimulatedReply {
  if (body === 'empty') return { status, headers: {} };
  if (body === 'html') {
    return {
      status,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: `<html><head><title>${status} Server Error</title></head><body><h1>Server Error</h1></body></html>`,
    };
  }
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ ErrorCode: 'SIMFAULT', ErrorMessage: `Simulated server error ${status}` }),
  };
}
