import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Logger } from 'pino';
import { PayloadTooLargeError, readBody, type TimerRegistry } from '@vault-backup/simulator-kit';
import { type CallCounters } from '../counters/call-counters';
import { type FaultRules } from '../faults/fault-rules';
import { type FaultSpec, type FaultType } from '../faults/fault.types';
import { resetConnection } from '../http/connection-reset';
import { type Reply } from '../http/http.types';
import { writeReply } from '../http/reply-writer';
import { type HeldRequests } from '../http/held-requests';
import { type RequestLog } from '../request-log/request-log';
import { type VaultEntrance } from '../vault/vault-entrance';

export interface PipelineDeps {
  requestLog: RequestLog;
  counters: CallCounters;
  timers: TimerRegistry;
  held: HeldRequests;
  logger: Logger;
}

export interface CallOutcome {
  reply: Reply;
  clientId?: string;
  /** Answered with the 401 challenge: counted as `challenge`, not as the operation. */
  challenged?: boolean;
}

export interface Call {
  request: IncomingMessage;
  response: ServerResponse;
  startedAt: number;
  listener: 'entra' | 'vault';
  /** Vault name, or null for Entra ID. */
  vault: string | null;
  /** Vault requests only: which listener the request came in through. */
  via?: VaultEntrance;
  operation: string;
  path: string;
  faults: FaultRules;
  /** The answer of an injected `throttle` or `error` fault, in the target's own error shape. */
  faultReply: (spec: Extract<FaultSpec, { type: 'throttle' | 'error' }>) => Reply;
  /** Runs the real handler; may be async (key generation is not, but the contract allows it). */
  execute: (rawBody: string) => CallOutcome | Promise<CallOutcome>;
  tooLarge: () => Reply;
}

/**
 * Every Entra ID and vault request goes through here: read the body, let the target's faults
 * decide (they act like a gateway in front of the service, so they fire before authentication),
 * run the handler, answer, count and log.
 */
export async function runCall(call: Call, deps: PipelineDeps): Promise<void> {
  let rawBody: string;
  try {
    rawBody = await readBody(call.request);
  } catch (error) {
    // Anything but an oversized body means the client went away mid-request: nobody to answer.
    const reply = error instanceof PayloadTooLargeError ? call.tooLarge() : undefined;
    finish(call, deps, { reply: reply ?? { status: 0 } }, reply ? writeReply(call.response, reply) : false);
    return;
  }
  const fault = call.faults.take(call.operation);
  const spec = fault?.spec;
  if (spec?.type === 'hang') {
    deps.held.hold(call.response, () => finish(call, deps, { reply: { status: 0 } }, false, 'hang'));
    return;
  }
  if (spec?.type === 'reset') {
    resetConnection(call.response);
    finish(call, deps, { reply: { status: 0 } }, false, 'reset');
    return;
  }
  if (spec?.type === 'delay') await deps.timers.wait(spec.delayMs);
  const outcome =
    spec?.type === 'throttle' || spec?.type === 'error'
      ? { reply: call.faultReply(spec) }
      : await execute(call, rawBody, deps);
  finish(call, deps, outcome, writeReply(call.response, outcome.reply), spec?.type);
}

async function execute(call: Call, rawBody: string, deps: PipelineDeps): Promise<CallOutcome> {
  try {
    return await call.execute(rawBody);
  } catch (error) {
    deps.logger.error({ err: error, path: call.path }, 'handler failed');
    return {
      reply: {
        status: 500,
        body: { error: { code: 'InternalError', message: 'Simulator bug; see its log.' } },
      },
    };
  }
}

function finish(
  call: Call,
  deps: PipelineDeps,
  outcome: CallOutcome,
  written: boolean,
  fault?: FaultType,
): void {
  const status = written ? outcome.reply.status : 0;
  deps.counters.record(call.vault, outcome.challenged ? 'challenge' : call.operation);
  if (outcome.reply.status === 429) deps.counters.record(call.vault, 'throttled');
  deps.requestLog.append({
    listener: call.listener,
    vault: call.vault,
    ...(call.via ? { via: call.via } : {}),
    operation: call.operation,
    method: call.request.method ?? 'GET',
    path: call.path,
    status,
    clientId: outcome.clientId ?? null,
    ...(fault ? { fault } : {}),
    durationMs: Math.round((performance.now() - call.startedAt) * 100) / 100,
  });
}
