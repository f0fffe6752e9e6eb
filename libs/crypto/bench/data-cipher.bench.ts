// Measures LocalDataCipher encrypt/decrypt throughput, plus JWE secrets decryption and fingerprints.
// Run: node -r @swc-node/register libs/crypto/bench/data-cipher.bench.ts
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Secret } from '@vault-backup/config';
import {
  Fingerprinter,
  JweSecretsDecryptor,
  LocalDataCipher,
  LocalRsaKeyUnwrapper,
  encryptSecretsJwe,
} from '../src';

const CIPHER_ROUNDS = 20_000;
const JWE_ROUNDS = 2_000;
const FINGERPRINT_ROUNDS = 200_000;

function report(label: string, operations: number, started: number): void {
  const seconds = (performance.now() - started) / 1000;
  const perSecond = Math.round(operations / seconds).toLocaleString('en-US');
  process.stdout.write(
    `${label.padEnd(44)} ${perSecond.padStart(10)} ops/s  (${((seconds / operations) * 1e6).toFixed(1)} µs each)\n`,
  );
}

async function benchCipher(size: number): Promise<void> {
  const cipher = new LocalDataCipher({
    currentKid: 'k1',
    keys: new Map([['k1', new Secret(new Uint8Array(randomBytes(32)))]]),
  });
  const plaintext = randomBytes(size);
  for (let i = 0; i < 1_000; i += 1) await cipher.decrypt(await cipher.encrypt(plaintext, 'bench'), 'bench');

  let started = performance.now();
  const tokens: string[] = [];
  for (let i = 0; i < CIPHER_ROUNDS; i += 1) tokens.push(await cipher.encrypt(plaintext, 'bench'));
  report(`LocalDataCipher encrypt (${size} B)`, CIPHER_ROUNDS, started);

  started = performance.now();
  for (const token of tokens) await cipher.decrypt(token, 'bench');
  report(`LocalDataCipher decrypt (${size} B)`, CIPHER_ROUNDS, started);

  started = performance.now();
  for (let i = 0; i < CIPHER_ROUNDS; i += 1)
    await cipher.decrypt(await cipher.encrypt(plaintext, 'bench'), 'bench');
  report(`LocalDataCipher encrypt+decrypt (${size} B)`, CIPHER_ROUNDS, started);
}

async function benchJwe(): Promise<void> {
  const kid = 'https://bench-kv.vault.azure.net/keys/secrets/0123456789abcdef0123456789abcdef';
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 4096 });
  const jwe = await encryptSecretsJwe(
    { password: 'p'.repeat(32), totpSecret: 'JBSWY3DPEHPK3PXP', backupCodes: ['1', '2'] },
    { kid, publicKey },
  );
  const decryptor = new JweSecretsDecryptor(new LocalRsaKeyUnwrapper({ [kid]: privateKey }), {
    trustedKeyIds: [kid],
  });
  const started = performance.now();
  for (let i = 0; i < JWE_ROUNDS; i += 1) await decryptor.decrypt(jwe);
  report('JWE secrets decrypt, local RSA-4096 unwrap', JWE_ROUNDS, started);
}

function benchFingerprint(): void {
  const fingerprinter = new Fingerprinter(new Secret(new Uint8Array(randomBytes(32))));
  const started = performance.now();
  for (let i = 0; i < FINGERPRINT_ROUNDS; i += 1)
    fingerprinter.fingerprint('correct horse battery staple', 'ws_acme/acc-1/password');
  report('Fingerprinter.fingerprint (28 chars)', FINGERPRINT_ROUNDS, started);
}

async function main(): Promise<void> {
  process.stdout.write(`node ${process.version}\n`);
  await benchCipher(256);
  await benchCipher(16_384);
  await benchJwe();
  benchFingerprint();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
