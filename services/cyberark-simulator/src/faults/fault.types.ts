import { type ActiveFault as KitActiveFault } from '@vault-backup/simulator-kit';

/** Endpoint families a fault or a latency rule can be limited to. */
export const ENDPOINT_FAMILIES = ['token', 'accounts', 'safes', 'platforms', 'ccp'] as const;
export type EndpointFamily = (typeof ENDPOINT_FAMILIES)[number];

export const WRITE_METHODS: readonly string[] = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** Which requests a fault applies to and how often. Without `count` or `rate` it fires on every match. */
export interface FaultScope {
  families?: EndpointFamily[];
  /** Upper-case HTTP methods; `delay-after-write` defaults to the write methods. */
  methods?: string[];
  /** Fire on the next N matching requests, then disappear. */
  count?: number;
  /** Probability 0..1 that a matching request is hit. */
  rate?: number;
}

export type FaultSpec = FaultScope &
  (
    | { type: 'http-error'; status: number; body?: 'json' | 'html' | 'empty' }
    | { type: 'rate-limit'; retryAfterSeconds: number }
    /** Without `answerAfterMs` the request is held until the client gives up; with it, it is served late. */
    | { type: 'timeout'; answerAfterMs?: number }
    | { type: 'token-endpoint-down' }
    /** The connection is reset (TCP RST) instead of answered; the handler does not run. */
    | { type: 'connection-reset' }
    | { type: 'throttle'; requestsPerSecond: number; retryAfterSeconds: number }
    /** The handler runs (the write is committed), then the answer waits `delayMs`. */
    | { type: 'delay-after-write'; delayMs: number }
  );

export type FaultType = FaultSpec['type'];

export type ActiveFault = KitActiveFault<FaultSpec>;

/** A canned answer produced by a fault instead of the real handler. */
export interface SimulatedReply {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

export interface FaultPlan {
  reply?: SimulatedReply;
  hang?: boolean;
  reset?: boolean;
  delayBeforeMs?: number;
  delayAfterMs?: number;
  /** Fault types that fired, for the request log. */
  fired: FaultType[];
}

export interface LatencyRule {
  fixedMs: number;
  jitterMs: number;
  families?: EndpointFamily[];
}
