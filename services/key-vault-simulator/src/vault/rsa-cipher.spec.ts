import {
  constants,
  createHash,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
} from 'node:crypto';
import { maxPlaintextBytes, rsaDecrypt, rsaEncrypt } from './rsa-cipher';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const MODULUS_BYTES = 256;

/** MGF1 (RFC 8017 B.2.1) with the given hash. */
function mgf1(seed: Buffer, length: number, hash: string): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0; Buffer.concat(blocks).length < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    blocks.push(
      createHash(hash)
        .update(Buffer.concat([seed, c]))
        .digest(),
    );
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** EME-OAEP decoding (RFC 8017 7.1.2) written out, so the hash of MGF1 is checked independently of OpenSSL. */
function oaepDecode(block: Buffer, hash: string): Buffer {
  const hashLength = createHash(hash).digest().length;
  const maskedSeed = block.subarray(1, 1 + hashLength);
  const maskedDb = block.subarray(1 + hashLength);
  const seed = Buffer.from(maskedSeed.map((byte, index) => byte ^ mgf1(maskedDb, hashLength, hash)[index]));
  const db = Buffer.from(maskedDb.map((byte, index) => byte ^ mgf1(seed, maskedDb.length, hash)[index]));
  expect(db.subarray(0, hashLength).equals(createHash(hash).update(Buffer.alloc(0)).digest())).toBe(true);
  return db.subarray(db.indexOf(1, hashLength) + 1);
}

describe('rsa-cipher', () => {
  it('RSA-OAEP-256 is OAEP with SHA-256 and MGF1-SHA-256 (checked by a hand-written decoder)', () => {
    const dek = randomBytes(32);
    const result = rsaEncrypt(publicKey, MODULUS_BYTES, 'RSA-OAEP-256', dek);
    if (!result.ok) throw new Error(result.message);
    const block = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, result.value);
    expect(oaepDecode(block, 'sha256').equals(dek)).toBe(true);
  });

  it('RSA-OAEP is OAEP with SHA-1 and MGF1-SHA-1', () => {
    const dek = randomBytes(32);
    const result = rsaEncrypt(publicKey, MODULUS_BYTES, 'RSA-OAEP', dek);
    if (!result.ok) throw new Error(result.message);
    const block = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, result.value);
    expect(oaepDecode(block, 'sha1').equals(dek)).toBe(true);
  });

  it('round-trips every algorithm, interoperating with what other OAEP implementations produce', () => {
    for (const alg of ['RSA-OAEP', 'RSA-OAEP-256', 'RSA1_5'] as const) {
      const dek = randomBytes(32);
      const wrapped = rsaEncrypt(publicKey, MODULUS_BYTES, alg, dek);
      if (!wrapped.ok) throw new Error(wrapped.message);
      expect(rsaDecrypt(privateKey, MODULUS_BYTES, alg, wrapped.value)).toEqual({ ok: true, value: dek });
    }
    const foreign = publicEncrypt(
      { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from('x'),
    );
    expect(rsaDecrypt(privateKey, MODULUS_BYTES, 'RSA-OAEP-256', foreign)).toEqual({
      ok: true,
      value: Buffer.from('x'),
    });
  });

  it('reports a tampered OAEP value with Key Vault’s message', () => {
    const wrapped = rsaEncrypt(publicKey, MODULUS_BYTES, 'RSA-OAEP-256', randomBytes(32));
    if (!wrapped.ok) throw new Error(wrapped.message);
    wrapped.value[100] ^= 0x40;
    expect(rsaDecrypt(privateKey, MODULUS_BYTES, 'RSA-OAEP-256', wrapped.value)).toEqual({
      ok: false,
      message: 'Error occurred while decoding OAEP padding.',
    });
  });

  it('detects a tampered RSA1_5 value instead of returning OpenSSL’s implicit-rejection bytes', () => {
    const wrapped = rsaEncrypt(publicKey, MODULUS_BYTES, 'RSA1_5', randomBytes(32));
    if (!wrapped.ok) throw new Error(wrapped.message);
    const lowBitFlipped = Buffer.from(wrapped.value);
    lowBitFlipped[MODULUS_BYTES - 1] ^= 0x01;
    expect(rsaDecrypt(privateKey, MODULUS_BYTES, 'RSA1_5', lowBitFlipped).ok).toBe(false);
  });

  it('answers 400, not a crash, for a value numerically above the modulus', () => {
    const aboveModulus = Buffer.alloc(MODULUS_BYTES, 0xff);
    for (const alg of ['RSA1_5', 'RSA-OAEP', 'RSA-OAEP-256'] as const) {
      expect(rsaDecrypt(privateKey, MODULUS_BYTES, alg, aboveModulus).ok).toBe(false);
    }
  });

  it('refuses a value of the wrong length and a plaintext too long for the padding', () => {
    expect(rsaDecrypt(privateKey, MODULUS_BYTES, 'RSA-OAEP-256', randomBytes(255)).ok).toBe(false);
    expect(maxPlaintextBytes('RSA-OAEP-256', MODULUS_BYTES)).toBe(190);
    expect(maxPlaintextBytes('RSA-OAEP', MODULUS_BYTES)).toBe(214);
    expect(maxPlaintextBytes('RSA1_5', MODULUS_BYTES)).toBe(245);
    expect(rsaEncrypt(publicKey, MODULUS_BYTES, 'RSA-OAEP-256', randomBytes(191))).toEqual({
      ok: false,
      message: 'The message exceeds the maximum allowable length for the chosen options (190).',
    });
  });
});
