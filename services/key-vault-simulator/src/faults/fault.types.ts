import { type ActiveFault as KitActiveFault } from '@vault-backup/simulator-kit';

/** Operations a fault can be limited to; `all` (the default) matches every operation of its target. */
export const ENTRA_OPERATIONS = ['token', 'discovery'] as const;
export const VAULT_OPERATIONS = ['getKey', 'wrapKey', 'unwrapKey', 'encrypt', 'decrypt'] as const;
export const FAULT_OPERATIONS = [...ENTRA_OPERATIONS, ...VAULT_OPERATIONS, 'all'] as const;

export type EntraOperation = (typeof ENTRA_OPERATIONS)[number];
export type VaultOperation = (typeof VAULT_OPERATIONS)[number];
export type FaultOperation = (typeof FAULT_OPERATIONS)[number];

export type FaultSpec = {
  operation: FaultOperation;
  /** Fire on the next N matching calls, then disappear; without it the fault stays until cleared. */
  count?: number;
} & (
  | /** 429; `retryAfterSeconds` absent means no Retry-After header, like real captured Key Vault 429s. */
    { type: 'throttle'; retryAfterSeconds?: number }
  | { type: 'error'; status: number }
  /** Accept the request and never answer: the client has to time out. */
  | { type: 'hang' }
  /** Destroy the connection instead of answering; the handler does not run. */
  | { type: 'reset' }
  /** Wait, then answer normally (a slow token endpoint or vault). */
  | { type: 'delay'; delayMs: number }
);

export type FaultType = FaultSpec['type'];

export type ActiveFault = KitActiveFault<FaultSpec>;
