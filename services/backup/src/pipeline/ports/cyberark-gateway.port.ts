import { type Secret } from '@vault-backup/config';
import { type AddAccountResult, type JsonPatchOp, type NewCyberArkAccount } from '@vault-backup/cyberark';
import { type ActiveWorkspace } from './workspace-targets.port';

/** The three writes a backup needs, on one tenant. */
export interface CyberArkAccountsPort {
  /** Idempotent by name: an account that already exists comes back with `created: false`. */
  addAccount(account: NewCyberArkAccount): Promise<AddAccountResult>;
  updateAccount(id: string, ops: readonly JsonPatchOp[]): Promise<unknown>;
  updateSecret(id: string, secret: Secret): Promise<void>;
}

export const CYBERARK_GATEWAY = Symbol('CYBERARK_GATEWAY');

export interface CyberArkGatewayPort {
  accountsFor(workspace: ActiveWorkspace): CyberArkAccountsPort;
  /** True while the tenant's breaker is open: calling would only fail fast, so park instead. */
  isCircuitOpen(workspace: ActiveWorkspace): boolean;
}
