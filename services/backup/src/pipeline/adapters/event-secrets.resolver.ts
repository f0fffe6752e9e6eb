import { AppError } from '@vault-backup/errors';
import { type AccountEvent, type ProtectedAccountSecrets } from '@vault-backup/event-contract';
import { type AccountSecrets } from '../domain/account-snapshot';
import { type SecretsResolverPort } from '../ports/secrets-resolver.port';
import { type ActiveWorkspace } from '../ports/workspace-targets.port';

/** The workspace does not accept plaintext secrets in events; the emitter must send `encryptedSecrets`. */
export class PlaintextSecretsRejectedError extends AppError {
  readonly code = 'PLAINTEXT_SECRETS_NOT_ALLOWED';
  readonly retriable = false;
  readonly errorClass = 'invalid-event';

  constructor() {
    super('the event carries plaintext secrets but the workspace only accepts encryptedSecrets');
  }
}

/** Decrypts a flattened JWE of account secrets (RSA-OAEP-256 + A256GCM) with the workspace's own key. */
export type SecretsDecryptor = (
  jwe: NonNullable<AccountEvent['data']['encryptedSecrets']>,
  workspaceId: string,
) => Promise<ProtectedAccountSecrets>;

export class EventSecretsResolver implements SecretsResolverPort {
  constructor(private readonly decrypt: SecretsDecryptor) {}

  async resolve(event: AccountEvent, workspace: ActiveWorkspace): Promise<AccountSecrets | undefined> {
    const { secrets, encryptedSecrets } = event.data;
    if (secrets) {
      if (!workspace.allowPlaintextSecrets) throw new PlaintextSecretsRejectedError();
      return toAccountSecrets(secrets);
    }
    // Metadata-only backups never write a secret, so they need no key service round trip.
    if (!encryptedSecrets || workspace.target.metadataOnly) return undefined;
    return toAccountSecrets(await this.decrypt(encryptedSecrets, workspace.workspaceId));
  }
}

function toAccountSecrets(secrets: ProtectedAccountSecrets): AccountSecrets {
  return {
    ...(secrets.password ? { password: secrets.password } : {}),
    ...(secrets.totpSecret ? { totpSecret: secrets.totpSecret } : {}),
    ...(secrets.backupCodes ? { backupCodes: secrets.backupCodes } : {}),
  };
}
