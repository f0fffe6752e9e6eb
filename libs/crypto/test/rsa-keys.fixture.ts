import { type KeyObject, generateKeyPairSync } from 'node:crypto';

export const TRUSTED_KEY = 'https://example-backup-kv.vault.azure.net/keys/account-secrets';
export const KID = `${TRUSTED_KEY}/4f1c2a9e8b7d4c3fa6e5d0b1c2a3f4e5`;

export interface RsaKeyPair {
  publicKey: KeyObject;
  privateKey: KeyObject;
}

/** 2048 bits: the contract's minimum, and fast enough to generate per test file. */
export function rsaKeyPair(): RsaKeyPair {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}
