import { type KeyObject, constants, privateDecrypt, publicEncrypt } from 'node:crypto';

export const RSA_ALGORITHMS = ['RSA-OAEP', 'RSA-OAEP-256', 'RSA1_5'] as const;
export type RsaAlgorithm = (typeof RSA_ALGORITHMS)[number];

export type CipherResult = { ok: true; value: Buffer } | { ok: false; message: string };

/** OAEP hash per algorithm; MGF1 uses the same hash (OpenSSL's default when only the OAEP md is set). */
const OAEP_HASH: Partial<Record<RsaAlgorithm, string>> = { 'RSA-OAEP': 'sha1', 'RSA-OAEP-256': 'sha256' };
const HASH_BYTES: Record<string, number> = { sha1: 20, sha256: 32 };

export const isRsaAlgorithm = (alg: string): alg is RsaAlgorithm =>
  (RSA_ALGORITHMS as readonly string[]).includes(alg);

/** Largest plaintext the algorithm can carry for a modulus of `modulusBytes`. */
export function maxPlaintextBytes(alg: RsaAlgorithm, modulusBytes: number): number {
  const hash = OAEP_HASH[alg];
  return hash ? modulusBytes - 2 * HASH_BYTES[hash] - 2 : modulusBytes - 11;
}

export function rsaEncrypt(
  key: KeyObject,
  modulusBytes: number,
  alg: RsaAlgorithm,
  plaintext: Buffer,
): CipherResult {
  const max = maxPlaintextBytes(alg, modulusBytes);
  if (plaintext.length > max) {
    return {
      ok: false,
      message: `The message exceeds the maximum allowable length for the chosen options (${max}).`,
    };
  }
  const hash = OAEP_HASH[alg];
  const padding = hash ? constants.RSA_PKCS1_OAEP_PADDING : constants.RSA_PKCS1_PADDING;
  return { ok: true, value: publicEncrypt({ key, padding, ...(hash ? { oaepHash: hash } : {}) }, plaintext) };
}

export function rsaDecrypt(
  key: KeyObject,
  modulusBytes: number,
  alg: RsaAlgorithm,
  ciphertext: Buffer,
): CipherResult {
  if (ciphertext.length !== modulusBytes) {
    return { ok: false, message: 'The length of the data to decrypt is not valid for the size of this key.' };
  }
  const hash = OAEP_HASH[alg];
  if (!hash) return pkcs1v15Decrypt(key, ciphertext);
  try {
    return {
      ok: true,
      value: privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, ciphertext),
    };
  } catch {
    return { ok: false, message: 'Error occurred while decoding OAEP padding.' };
  }
}

/**
 * OpenSSL 3.2+ answers a bad PKCS#1 v1.5 block with random bytes (implicit rejection) instead of an
 * error; Key Vault reports it. The block is unpadded by hand so a tampered value is a 400 here too.
 */
function pkcs1v15Decrypt(key: KeyObject, ciphertext: Buffer): CipherResult {
  const invalid: CipherResult = { ok: false, message: 'Error occurred while decoding PKCS#1 v1.5 padding.' };
  let block: Buffer;
  try {
    block = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, ciphertext);
  } catch {
    // A value numerically ≥ the modulus: no padding to decode at all.
    return invalid;
  }
  const separator = block.indexOf(0, 2);
  const valid = block[0] === 0 && block[1] === 2 && separator >= 10;
  return valid ? { ok: true, value: block.subarray(separator + 1) } : invalid;
}
