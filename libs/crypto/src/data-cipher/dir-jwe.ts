import { webcrypto } from 'node:crypto';
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose';
import { KEY_ID_PATTERN } from '../key-ring/key-ring';
import { DataDecryptionError } from './data-decryption.error';

/**
 * The token format of every DataCipher: a compact JWE with `alg: dir`, `enc: A256GCM`, the key id in
 * `kid` and the cipher context in `ctx`, listed in `crit`. Shared so that ring tokens and envelope
 * tokens stay the same format and differ only in what `kid` names.
 */
const ALG = 'dir';
const ENC = 'A256GCM';
/** Marked critical so that a decryptor which does not check the context refuses the token instead of ignoring it. */
const CONTEXT_PARAMETER = 'ctx';
const CONTEXT_PATTERN = /^[A-Za-z0-9._:/-]{1,128}$/;

export function assertContext(context: string): void {
  if (!CONTEXT_PATTERN.test(context))
    throw new RangeError('cipher context must be 1..128 characters of [A-Za-z0-9._:/-]');
}

export function importAesGcmKey(raw: Uint8Array): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

export function encryptDirJwe(
  plaintext: Uint8Array | string,
  context: string,
  kid: string,
  key: webcrypto.CryptoKey,
): Promise<string> {
  const bytes = typeof plaintext === 'string' ? new TextEncoder().encode(plaintext) : plaintext;
  return new CompactEncrypt(bytes)
    .setProtectedHeader({
      alg: ALG,
      enc: ENC,
      kid,
      [CONTEXT_PARAMETER]: context,
      crit: [CONTEXT_PARAMETER],
    })
    .encrypt(key, { crit: { [CONTEXT_PARAMETER]: true } });
}

/**
 * The token's `kid`, after checking that it is a dir + A256GCM token. Only a claim until the token
 * authenticates: use it to pick the key, nothing else.
 */
export function dirJweKeyId(token: string): string {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch (error) {
    throw new DataDecryptionError('malformed token', { cause: error });
  }
  if (header.alg !== ALG || header.enc !== ENC)
    throw new DataDecryptionError(`unsupported algorithm (expected ${ALG} + ${ENC})`);
  if (typeof header.kid !== 'string') throw new DataDecryptionError('unknown key id');
  return header.kid;
}

/** `unknown key id k2`, or just `unknown key id` when the kid is not one we would ever issue (never echoed). */
export function unknownKeyId(kid: string): DataDecryptionError {
  return new DataDecryptionError(`unknown key id${KEY_ID_PATTERN.test(kid) ? ` ${kid}` : ''}`);
}

export async function decryptDirJwe(
  token: string,
  context: string,
  key: webcrypto.CryptoKey,
): Promise<Uint8Array> {
  let result: Awaited<ReturnType<typeof compactDecrypt>>;
  try {
    result = await compactDecrypt(token, key, {
      keyManagementAlgorithms: [ALG],
      contentEncryptionAlgorithms: [ENC],
      crit: { [CONTEXT_PARAMETER]: true },
    });
  } catch (error) {
    throw new DataDecryptionError('authentication failed: tampered or malformed token', { cause: error });
  }
  // Checked after authentication: before it, the header is only a claim.
  if (result.protectedHeader[CONTEXT_PARAMETER] !== context)
    throw new DataDecryptionError('token belongs to another context');
  return result.plaintext;
}
