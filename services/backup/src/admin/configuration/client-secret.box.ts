import { createHash, timingSafeEqual } from 'node:crypto';
import { Secret } from '@vault-backup/config';
import { type DataCipher } from '@vault-backup/crypto';
import { CLIENT_SECRET_CIPHER_CONTEXT } from '@vault-backup/persistence';

/**
 * The only place the admin API turns a client secret into ciphertext and back, bound to the
 * column's cipher context (the pipeline opens it with the same one).
 */
export class ClientSecretBox {
  constructor(private readonly cipher: DataCipher) {}

  seal(secret: Secret): Promise<string> {
    return this.cipher.encrypt(secret.reveal(), CLIENT_SECRET_CIPHER_CONTEXT);
  }

  async open(ciphertext: string): Promise<Secret> {
    const plaintext = await this.cipher.decrypt(ciphertext, CLIENT_SECRET_CIPHER_CONTEXT);
    return new Secret(Buffer.from(plaintext).toString('utf8'));
  }

  /** Whether `ciphertext` holds `secret`; an unreadable ciphertext (rotated-away key) counts as different. */
  async holds(ciphertext: string, secret: Secret): Promise<boolean> {
    let stored: Secret;
    try {
      stored = await this.open(ciphertext);
    } catch {
      return false;
    }
    return timingSafeEqual(digest(stored), digest(secret));
  }
}

function digest(secret: Secret): Buffer {
  return createHash('sha256').update(secret.reveal(), 'utf8').digest();
}
