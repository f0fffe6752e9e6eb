import { Secret } from '@vault-backup/config';
import { ConfigurationError } from '@vault-backup/errors';

/** Symmetric keys by id; `currentKid` encrypts, every key decrypts (so old data stays readable after rotation). */
export interface KeyRing {
  readonly currentKid: string;
  readonly keys: ReadonlyMap<string, Secret<Uint8Array>>;
}

export const SYMMETRIC_KEY_BYTES = 32;
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;

/**
 * Parses a key ring from configuration: `k2:<base64 32 bytes>,k1:<base64 32 bytes>`. The FIRST entry is the
 * current key; later entries are kept for decryption only. Keys are standard base64 (padding optional) or
 * base64url, exactly 32 bytes (`openssl rand -base64 32`). Problems name the entry by position, never by
 * content: a malformed entry could be key material in the wrong place.
 */
export function parseKeyRing(spec: string): KeyRing {
  const entries = spec.split(',').map((entry) => entry.trim());
  if (entries.length === 1 && entries[0] === '') throw new ConfigurationError(['key ring is empty']);
  const keys = new Map<string, Secret<Uint8Array>>();
  const problems: string[] = [];
  for (const [index, entry] of entries.entries()) {
    const label = `key ring entry ${index + 1}`;
    const parsed = parseEntry(entry, label);
    if (typeof parsed === 'string') problems.push(parsed);
    else if (keys.has(parsed.kid)) problems.push(`${label}: key id repeats an earlier entry`);
    else keys.set(parsed.kid, parsed.key);
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return { currentKid: [...keys.keys()][0], keys };
}

/** Decodes one base64 key of exactly `bytes` bytes; the message never contains the input. */
export function parseSymmetricKey(
  encoded: string,
  what = 'key',
  bytes = SYMMETRIC_KEY_BYTES,
): Secret<Uint8Array> {
  const problem = symmetricKeyProblem(encoded.trim(), what, bytes);
  if (problem) throw new ConfigurationError([problem]);
  return new Secret(new Uint8Array(Buffer.from(encoded.trim(), encodingOf(encoded.trim()))));
}

/** Checks a ring built in code (not parsed): the current key exists and every key has the right size. */
export function assertValidKeyRing(ring: KeyRing): void {
  const problems: string[] = [];
  if (!ring.keys.has(ring.currentKid)) problems.push('key ring: the current key id has no key');
  for (const [kid, key] of ring.keys) {
    if (!KEY_ID_PATTERN.test(kid))
      problems.push('key ring: a key id is not 1..64 characters of [A-Za-z0-9._-]');
    if (key.reveal().length !== SYMMETRIC_KEY_BYTES)
      problems.push(`key ring: a key is not ${SYMMETRIC_KEY_BYTES} bytes`);
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
}

function parseEntry(entry: string, label: string): { kid: string; key: Secret<Uint8Array> } | string {
  if (entry === '') return `${label} is empty`;
  const separator = entry.indexOf(':');
  if (separator <= 0) return `${label} must be <key id>:<base64 key>`;
  const kid = entry.slice(0, separator).trim();
  const encoded = entry.slice(separator + 1).trim();
  if (!KEY_ID_PATTERN.test(kid)) return `${label}: key id must be 1..64 characters of [A-Za-z0-9._-]`;
  const problem = symmetricKeyProblem(encoded, `${label}: key`, SYMMETRIC_KEY_BYTES);
  if (problem) return problem;
  return { kid, key: new Secret(new Uint8Array(Buffer.from(encoded, encodingOf(encoded)))) };
}

function symmetricKeyProblem(encoded: string, what: string, bytes: number): string | undefined {
  const valid = BASE64.test(encoded) && Buffer.from(encoded, encodingOf(encoded)).length === bytes;
  return valid ? undefined : `${what} must be ${bytes} bytes, base64-encoded`;
}

function encodingOf(encoded: string): BufferEncoding {
  return /[-_]/.test(encoded) ? 'base64url' : 'base64';
}
