import { createHmac } from 'node:crypto';
import { Secret } from '@vault-backup/config';
import { ConfigurationError } from '@vault-backup/errors';
import { Fingerprinter } from './fingerprinter';

const KEY = new Uint8Array(Buffer.alloc(32, 0x2a));
const fingerprinter = new Fingerprinter(new Secret(KEY));

describe('Fingerprinter', () => {
  it('gives a 22-character base64url digest, the same every time', () => {
    const digest = fingerprinter.fingerprint('hunter2');

    expect(digest).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(fingerprinter.fingerprint('hunter2')).toBe(digest);
  });

  // Vectors computed independently (Python hmac) from the documented encoding.
  it('follows the documented canonical encoding (pinned vectors)', () => {
    const expected = createHmac('sha256', KEY)
      .update(Buffer.from([0x01, 0, 0, 0, 3, ...Buffer.from('a/b'), 0x53, ...Buffer.from('pé')]))
      .digest()
      .subarray(0, 16)
      .toString('base64url');

    expect(fingerprinter.fingerprint('pé', 'a/b')).toBe(expected);
    expect(fingerprinter.fingerprint('abc')).toBe('K0EhCB_kGsBpHV7FBgCsIQ');
    expect(fingerprinter.fingerprint(['a', 'bc'])).toBe('gz_XuMpd7M49Qh-HW4nOIQ');
  });

  it('has no fingerprint for an absent value', () => {
    expect(fingerprinter.fingerprint(undefined)).toBeUndefined();
    expect(fingerprinter.fingerprint(null)).toBeUndefined();
  });

  it('never gives two distinct values the same encoding', () => {
    const values: Array<string | string[]> = [
      '',
      [],
      [''],
      ['', ''],
      'ab',
      ['ab'],
      ['a', 'b'],
      ['ab', 'c'],
      ['a', 'bc'],
      ['b', 'a'],
      'a,b',
    ];
    const digests = values.map((value) => fingerprinter.fingerprint(value));

    expect(new Set(digests).size).toBe(values.length);
  });

  it('separates contexts, so equal values in different fields or accounts do not match', () => {
    expect(fingerprinter.fingerprint('same', 'ws/acc-1/password')).not.toBe(
      fingerprinter.fingerprint('same', 'ws/acc-2/password'),
    );
    expect(fingerprinter.fingerprint('same', 'ws/acc-1/password')).not.toBe(
      fingerprinter.fingerprint('same'),
    );
  });

  it('depends on the key', () => {
    const other = new Fingerprinter(new Secret(new Uint8Array(Buffer.alloc(32, 0x2b))));

    expect(other.fingerprint('hunter2')).not.toBe(fingerprinter.fingerprint('hunter2'));
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => new Fingerprinter(new Secret(new Uint8Array(31)))).toThrow(ConfigurationError);
  });
});
