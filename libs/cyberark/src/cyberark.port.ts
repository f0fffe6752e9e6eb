import { type Secret } from '@vault-backup/config';
import { type BreakerState } from './cyberark.observer';
import {
  type AddAccountResult,
  type CyberArkAccount,
  type JsonPatchOp,
  type NewCyberArkAccount,
  type PlatformDefinition,
  type PlatformDetails,
  type SafeDetails,
  type SafeMember,
} from './cyberark.types';

/**
 * What the backup needs from one Privilege Cloud tenant. Every method throws only `CyberArkError`
 * subclasses; `retriable` on the error says whether trying again can help.
 */
export interface CyberArkPort {
  findAccountByName(safe: string, name: string): Promise<CyberArkAccount | null>;
  getAccount(id: string): Promise<CyberArkAccount>;
  addAccount(account: NewCyberArkAccount): Promise<AddAccountResult>;
  updateAccount(id: string, ops: readonly JsonPatchOp[]): Promise<CyberArkAccount>;
  updateSecret(id: string, secret: Secret): Promise<void>;
  listAccounts(safe: string): AsyncIterable<CyberArkAccount>;
  getSafe(name: string): Promise<SafeDetails>;
  getSafeMember(safe: string, memberName: string): Promise<SafeMember | null>;
  listSafeMembers(safe: string): Promise<SafeMember[]>;
  getPlatform(id: string): Promise<PlatformDefinition>;
  getPlatformDetails(id: string): Promise<PlatformDetails>;
  getBreakerState(): BreakerState;
}
