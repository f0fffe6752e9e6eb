import { type Secret } from '@vault-backup/config';
import {
  type AddAccountResult,
  type CyberArkAccount,
  type JsonPatchOp,
  type NewCyberArkAccount,
} from '@vault-backup/cyberark';
import { type ActiveWorkspace } from './workspace-targets.port';

/** The three writes a backup needs on one tenant, and the read that settles what an account holds. */
export interface CyberArkAccountsPort {
  /** Reads the account back (its secret never comes with it); rejects with `account-not-found`. */
  getAccount(id: string): Promise<CyberArkAccount>;
  /** Idempotent by name: an account that already exists comes back with `created: false`. */
  addAccount(account: NewCyberArkAccount): Promise<AddAccountResult>;
  updateAccount(id: string, ops: readonly JsonPatchOp[]): Promise<unknown>;
  updateSecret(id: string, secret: Secret): Promise<void>;
}

export type CircuitState = 'closed' | 'half-open' | 'open';

export const CYBERARK_GATEWAY = Symbol('CYBERARK_GATEWAY');

export interface CyberArkGatewayPort {
  accountsFor(workspace: ActiveWorkspace): CyberArkAccountsPort;
  /**
   * The tenant's circuit breaker: `open` — calling would only fail fast, so park instead;
   * `half-open` — the next call is a trial of a tenant that was down.
   */
  circuitState(workspace: ActiveWorkspace): CircuitState;
}
