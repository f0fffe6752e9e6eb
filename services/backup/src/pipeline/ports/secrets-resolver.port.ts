import { type AccountEvent } from '@vault-backup/event-contract';
import { type AccountSecrets } from '../domain/account-snapshot';
import { type ActiveWorkspace } from './workspace-targets.port';

export const SECRETS_RESOLVER = Symbol('SECRETS_RESOLVER');

/**
 * Produces the secrets of an event: decrypts `encryptedSecrets`, or accepts plaintext `secrets`
 * only where the workspace allows it. Throws typed errors: permanent for a policy or ciphertext
 * problem, retriable when the key service is unavailable.
 */
export interface SecretsResolverPort {
  resolve(event: AccountEvent, workspace: ActiveWorkspace): Promise<AccountSecrets | undefined>;
}
