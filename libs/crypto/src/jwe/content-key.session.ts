import { type KeyObject, constants, createCipheriv, publicEncrypt, randomBytes } from 'node:crypto';
import { type FlattenedJwe } from '@vault-backup/event-contract';

const CEK_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * One content-encryption key of {@link JweSecretsEncryptor}: generated and wrapped to the recipient's RSA
 * key once (RSA-OAEP-256, so every JWE sealed here carries the same `encrypted_key` and the consumer
 * unwraps once), then used for AES-256-GCM with a fresh random 96-bit IV per message. The caller bounds
 * how many messages one session seals.
 */
export class ContentKeySession {
  readonly protectedHeader: string;
  readonly encryptedKey: string;
  private readonly cek = randomBytes(CEK_BYTES);
  /** RFC 7516 §5.2 step 14 without `aad`: ASCII(BASE64URL(UTF8(protected header))). */
  private readonly additionalData: Buffer;
  private sealed = 0;
  private wiped = false;

  constructor(
    readonly kid: string,
    readonly publicKey: KeyObject,
  ) {
    const header = { alg: 'RSA-OAEP-256', enc: 'A256GCM', kid };
    this.protectedHeader = Buffer.from(JSON.stringify(header), 'utf8').toString('base64url');
    this.additionalData = Buffer.from(this.protectedHeader, 'ascii');
    this.encryptedKey = publicEncrypt(
      { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      this.cek,
    ).toString('base64url');
  }

  /** Messages sealed so far. */
  get messages(): number {
    return this.sealed;
  }

  seal(plaintext: Uint8Array): FlattenedJwe {
    // A wiped key is all zeros: sealing with it would look like success and protect nothing.
    if (this.wiped) throw new Error('content-encryption key was wiped');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.cek, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(this.additionalData);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    this.sealed += 1;
    return {
      protected: this.protectedHeader,
      encrypted_key: this.encryptedKey,
      iv: iv.toString('base64url'),
      ciphertext: ciphertext.toString('base64url'),
      tag: cipher.getAuthTag().toString('base64url'),
    };
  }

  wipe(): void {
    this.cek.fill(0);
    this.wiped = true;
  }
}
