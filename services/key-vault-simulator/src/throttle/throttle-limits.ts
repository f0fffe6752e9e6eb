/**
 * Key transactions allowed per vault per 10 s ("all other transactions", i.e. everything but
 * CREATE), from learn.microsoft.com/azure/key-vault/general/service-limits (current revision;
 * older revisions show half these numbers). Enforcement is on the weighted sum: one RSA-4096 HSM
 * call uses 1/250 of the window, one RSA-2048 software call 1/4000.
 */
export const THROTTLE_LIMIT_NAMES = [
  'rsa2048Software',
  'rsa2048Hsm',
  'rsa3072Software',
  'rsa3072Hsm',
  'rsa4096Software',
  'rsa4096Hsm',
  'ecSoftware',
  'ecHsm',
] as const;

export type ThrottleLimitName = (typeof THROTTLE_LIMIT_NAMES)[number];
export type ThrottleLimits = Record<ThrottleLimitName, number>;

export const DOCUMENTED_LIMITS: Readonly<ThrottleLimits> = Object.freeze({
  rsa2048Software: 4000,
  rsa2048Hsm: 2000,
  rsa3072Software: 1000,
  rsa3072Hsm: 500,
  rsa4096Software: 500,
  rsa4096Hsm: 250,
  ecSoftware: 4000,
  ecHsm: 2000,
});

export const THROTTLE_WINDOW_MS = 10_000;

/** What a call is weighed as. A call naming no existing key weighs as the cheapest kind. */
export function limitNameFor(key: { kty: string; size?: number } | undefined): ThrottleLimitName {
  if (!key) return 'rsa2048Software';
  const hsm = key.kty.endsWith('-HSM');
  if (key.kty.startsWith('EC')) return hsm ? 'ecHsm' : 'ecSoftware';
  const size = key.size === 4096 ? 4096 : key.size === 3072 ? 3072 : 2048;
  return `rsa${size}${hsm ? 'Hsm' : 'Software'}`;
}
