import { type KeyObject, createHmac, createSecretKey } from 'node:crypto';
import { type Secret } from '@vault-backup/config';
import { ConfigurationError } from '@vault-backup/errors';

const MIN_KEY_BYTES = 32;
const DIGEST_BYTES = 16;
const FORMAT_VERSION = 0x01;
const STRING_TAG = 0x53; // 'S'
const ARRAY_TAG = 0x41; // 'A'

/**
 * Keyed fingerprints of field values, to tell whether an account field changed without storing the value
 * (secrets included). Output: the first 128 bits of HMAC-SHA256, base64url (22 characters).
 *
 * Canonical input, so that distinct values never share an encoding:
 *   0x01 (format version)
 *   || uint32be(byteLength(context)) || UTF-8(context)          context defaults to ''
 *   || 'S' || UTF-8(value)                                       for a string
 *   || 'A' || uint32be(count) || (uint32be(byteLength(item)) || UTF-8(item))*   for an array, in order
 * So `''`, `[]` and `['']` differ, `['ab','c']` differs from `['a','bc']`, and order matters. Strings are
 * not Unicode-normalised. `undefined`/`null` (absent) has no fingerprint.
 *
 * Pass a `context` such as `<workspaceId>/<accountId>/password`: without it, equal values in different
 * accounts or fields get equal fingerprints, which would tell a database reader that two passwords match.
 * Rotating the key changes every fingerprint, so each account is seen as changed once.
 */
export class Fingerprinter {
  private readonly key: KeyObject;

  constructor(key: Secret<Uint8Array>) {
    const bytes = key.reveal();
    if (bytes.length < MIN_KEY_BYTES)
      throw new ConfigurationError([`fingerprint key must be at least ${MIN_KEY_BYTES} bytes`]);
    this.key = createSecretKey(bytes);
  }

  fingerprint(value: string | readonly string[] | null | undefined, context = ''): string | undefined {
    if (value === undefined || value === null) return undefined;
    const hmac = createHmac('sha256', this.key);
    hmac.update(Uint8Array.of(FORMAT_VERSION));
    updateWithLengthPrefixed(hmac, context);
    if (typeof value === 'string') {
      hmac.update(Uint8Array.of(STRING_TAG));
      hmac.update(value, 'utf8');
    } else {
      hmac.update(Uint8Array.of(ARRAY_TAG));
      hmac.update(uint32(value.length));
      for (const item of value) updateWithLengthPrefixed(hmac, item);
    }
    return hmac.digest().subarray(0, DIGEST_BYTES).toString('base64url');
  }
}

function updateWithLengthPrefixed(hmac: ReturnType<typeof createHmac>, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  hmac.update(uint32(bytes.length));
  hmac.update(bytes);
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}
