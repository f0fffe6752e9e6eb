import { randomBytes } from 'node:crypto';
import { Secret } from '@vault-backup/config';
import { ConfigurationError } from '@vault-backup/errors';
import { assertValidKeyRing, parseKeyRing, parseSymmetricKey } from './key-ring';

const key = (fill: number) => Buffer.alloc(32, fill);

function problemsOf(action: () => unknown): readonly string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('parseKeyRing', () => {
  it('makes the first entry current and keeps every key', () => {
    const ring = parseKeyRing(`k2:${key(2).toString('base64')}, k1:${key(1).toString('base64')}`);

    expect(ring.currentKid).toBe('k2');
    expect([...ring.keys.keys()]).toEqual(['k2', 'k1']);
    expect(Buffer.from(ring.keys.get('k1')!.reveal())).toEqual(key(1));
  });

  it('accepts unpadded base64 and base64url, and key ids with dots, dashes and underscores', () => {
    const bytes = Buffer.from(Array.from({ length: 32 }, (_, index) => 250 - index));
    const ring = parseKeyRing(
      `2025-06.a_1:${bytes.toString('base64url')},old:${bytes.toString('base64').replace(/=+$/, '')}`,
    );

    expect(Buffer.from(ring.keys.get('2025-06.a_1')!.reveal())).toEqual(bytes);
    expect(Buffer.from(ring.keys.get('old')!.reveal())).toEqual(bytes);
  });

  it('keeps keys wrapped so that logging the ring shows no key bytes', () => {
    const ring = parseKeyRing(`k1:${key(0x41).toString('base64')}`);

    expect(JSON.stringify([...ring.keys.values()])).toBe('["[redacted]"]');
  });

  it.each<[string, string, string]>([
    ['an empty spec', '', 'key ring is empty'],
    ['an empty entry', `k1:${key(1).toString('base64')},,`, 'key ring entry 2 is empty'],
    [
      'an entry without a key id',
      key(1).toString('base64'),
      'key ring entry 1 must be <key id>:<base64 key>',
    ],
    [
      'a bad key id',
      `k 1:${key(1).toString('base64')}`,
      'key ring entry 1: key id must be 1..64 characters of [A-Za-z0-9._-]',
    ],
    [
      'a repeated key id',
      `k1:${key(1).toString('base64')},k1:${key(2).toString('base64')}`,
      'key ring entry 2: key id repeats an earlier entry',
    ],
    [
      'a 16-byte key',
      `k1:${Buffer.alloc(16).toString('base64')}`,
      'key ring entry 1: key must be 32 bytes, base64-encoded',
    ],
    [
      'a 33-byte key',
      `k1:${Buffer.alloc(33).toString('base64')}`,
      'key ring entry 1: key must be 32 bytes, base64-encoded',
    ],
    [
      'a key that is not base64',
      `k1:${'!'.repeat(44)}`,
      'key ring entry 1: key must be 32 bytes, base64-encoded',
    ],
  ])('rejects %s', (_case, spec, problem) => {
    expect(problemsOf(() => parseKeyRing(spec))).toContain(problem);
  });

  it('reports every broken entry, and never the key material', () => {
    const material = randomBytes(31).toString('base64');
    const reversed = `${randomBytes(32).toString('base64url')}:k9`;
    const problems = problemsOf(() => parseKeyRing(`k1:${material},${reversed}`));

    expect(problems).toHaveLength(2);
    expect(problems.join(' ')).not.toContain(material);
    expect(problems.join(' ')).not.toContain(reversed.slice(0, 20));
  });
});

describe('parseSymmetricKey', () => {
  it('decodes a 32-byte key, or names the setting without echoing the value', () => {
    expect(parseSymmetricKey(key(7).toString('base64')).reveal()).toEqual(new Uint8Array(key(7)));
    expect(problemsOf(() => parseSymmetricKey('c2hvcnQ=', 'FINGERPRINT_KEY'))).toEqual([
      'FINGERPRINT_KEY must be 32 bytes, base64-encoded',
    ]);
  });
});

describe('assertValidKeyRing', () => {
  it('rejects a ring whose current key is missing or whose keys have the wrong size', () => {
    const keys = new Map([['k1', new Secret(new Uint8Array(16))]]);

    expect(problemsOf(() => assertValidKeyRing({ currentKid: 'k2', keys }))).toEqual([
      'key ring: the current key id has no key',
      'key ring: a key is not 32 bytes',
    ]);
  });
});
