import { createHash, timingSafeEqual } from 'node:crypto';
import { Secret } from '@vault-backup/config';
import { type DataCipher } from '@vault-backup/crypto';
import { CLIENT_SECRET_CIPHER_CONTEXT } from '@vault-backup/persistence';

/**
 * The only place the admin API turns a client secret into ciphertext and back, bound to the
 * column's cipher context and to the workspace of the configuration (its data keys, so revoking the
 * workspace's own key makes the stored secret unreadable to us; the pipeline opens it the same way).
 */
export class ClientSecretBox {
  constructor(private readonly cipher: DataCipher) {}

  seal(workspaceId: string, secret: Secret): Promise<string> {
    return this.cipher.encrypt(secret.reveal(), CLIENT_SECRET_CIPHER_CONTEXT, workspaceId);
  }

  async open(workspaceId: string, ciphertext: string): Promise<Secret> {
    const plaintext = await this.cipher.decrypt(ciphertext, CLIENT_SECRET_CIPHER_CONTEXT, workspaceId);
    return new Secret(Buffer.from(plaintext).toString('utf8'));
  }

  /**
   * Whether `ciphertext` holds `secret`; an unreadable ciphertext (rotated-away key, revoked workspace
   * key) counts as different.
   */
  async holds(workspaceId: string, ciphertext: string, secret: Secret): Promise<boolean> {
    let stored: Secret;
    try {
      stored = await this.open(workspaceId, ciphertext);
    } catch {
      return false;
    }
    return timingSafeEqual(digest(stored), digest(secret));
  }
}

function digest(secret: Secret): Buffer {
  return createHash('sha256').update(secret.reveal(), 'utf8').digest();
}
