import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Logger } from 'pino';
import { PayloadTooLargeError, readBody, type TimerRegistry } from '@vault-backup/simulator-kit';
import { type EndpointFamily, type FaultPlan } from '../faults/fault.types';
import { type RequestLog } from '../request-log/request-log';
import { type TenantState } from '../state/tenant-state';
import { resetConnection } from './connection-reset';
import { SimulatedHttpError } from './http.errors';
import { type Reply } from './http.types';
import { writeRaw, writeReply } from './reply-writer';

export interface PipelineDeps {
  requestLog: RequestLog;
  logger: Logger;
  timers: TimerRegistry;
}

export interface TenantCall {
  request: IncomingMessage;
  response: ServerResponse;
  tenant: TenantState;
  family: EndpointFamily;
  path: string;
  startedAt: number;
  /** Runs the real handler; may throw `SimulatedHttpError`. */
  execute: (rawBody: string) => Reply;
  tooLarge: () => Reply;
}

/**
 * Every tenant request goes through here: read the body, let the tenant's faults and latency
 * decide what happens, run the handler, answer and log. The order matters: faults act like an
 * overloaded gateway in front of the service, so they fire before authentication.
 */
export async function runTenantCall(call: TenantCall, deps: PipelineDeps): Promise<void> {
  const method = call.request.method ?? 'GET';
  let rawBody: string;
  try {
    rawBody = await readBody(call.request);
  } catch (error) {
    // Anything but an oversized body means the client went away mid-request: nobody to answer.
    const answered = error instanceof PayloadTooLargeError && writeReply(call.response, call.tooLarge());
    finish(call, deps, answered ? 413 : 0, []);
    return;
  }
  const plan = call.tenant.faults.plan(call.family, method, Date.now());
  if (plan.hang) {
    hold(call, deps, plan);
    return;
  }
  const delayMs = call.tenant.latency.delayMs(call.family) + (plan.delayBeforeMs ?? 0);
  if (delayMs > 0) await deps.timers.wait(delayMs);
  if (plan.reset) {
    resetConnection(call.response);
    finish(call, deps, 0, plan.fired);
    return;
  }
  if (plan.reply) {
    finish(call, deps, writeRaw(call.response, plan.reply) ? plan.reply.status : 0, plan.fired);
    return;
  }
  const reply = execute(call, rawBody, deps);
  if (plan.delayAfterMs !== undefined) await deps.timers.wait(plan.delayAfterMs);
  finish(call, deps, writeReply(call.response, reply) ? reply.status : 0, plan.fired);
}

function execute(call: TenantCall, rawBody: string, deps: PipelineDeps): Reply {
  try {
    return call.execute(rawBody);
  } catch (error) {
    if (error instanceof SimulatedHttpError) return error.reply;
    deps.logger.error({ err: error, path: call.path }, 'handler failed');
    return { status: 500, body: { ErrorCode: 'SIMINTERNAL', ErrorMessage: 'Internal simulator error' } };
  }
}

/** A `timeout` fault: accept the request and never answer; log it when the client gives up. */
function hold(call: TenantCall, deps: PipelineDeps, plan: FaultPlan): void {
  call.response.once('close', () => finish(call, deps, 0, plan.fired));
}

function finish(call: TenantCall, deps: PipelineDeps, status: number, faults: FaultPlan['fired']): void {
  deps.requestLog.append({
    method: call.request.method ?? 'GET',
    path: call.path,
    tenant: call.tenant.id,
    family: call.family,
    status,
    durationMs: Math.round((performance.now() - call.startedAt) * 100) / 100,
    ...(faults.length > 0 ? { faults: [...faults] } : {}),
  });
}
