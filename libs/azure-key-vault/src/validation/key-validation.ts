import { constants, createPublicKey, publicEncrypt, timingSafeEqual } from 'node:crypto';
import { type KeyVaultProblem } from '../errors/key-vault-problems';
import { KeyVaultError, errorClassOf, fixFor } from '../key-vault.errors';
import { type KeyDescription, type RsaPublicJwk } from '../key/key-description';
import { checkKeyRequirements, type RequirementResult } from './key-requirements';
import {
  KEY_VALIDATION_CHECKS,
  type KeyValidationCheck,
  type KeyValidationCheckName,
  type KeyValidationReport,
} from './key-validation.types';

/** The calls validation makes; each throws only `KeyVaultError` for anything the customer can cause. */
export interface KeyValidationProbe {
  /** The normalised vault URL the probe talks to. */
  readonly vaultUrl: string;
  getToken(): Promise<unknown>;
  describeKey(): Promise<KeyDescription>;
  /** Remote wrap (RSA-OAEP-256) with exactly this key version. */
  wrapWith(kid: string, key: Uint8Array): Promise<Uint8Array>;
  /** Remote unwrap (RSA-OAEP-256) with exactly this key version. */
  unwrapWith(kid: string, wrapped: Uint8Array): Promise<Uint8Array>;
}

export interface KeyValidationDeps {
  readonly now: () => number;
  readonly randomBytes: (size: number) => Uint8Array;
}

const SAMPLE_BYTES = 32;

/** Problems that mean the vault itself could not be talked to. */
const UNREACHABLE: ReadonlySet<KeyVaultProblem> = new Set([
  'vault-unreachable',
  'timeout',
  'service-unavailable',
  'throttled',
  'tls-failed',
  'url-not-allowed',
  'challenge-mismatch',
  'network-access-denied',
  'unexpected-failure',
]);

/** Problems of the token the vault call needed (the vault may name another tenant than the first token's). */
const NOT_AUTHENTICATED: ReadonlySet<KeyVaultProblem> = new Set([
  'authentication-failed',
  'tenant-mismatch',
  'identity-unavailable',
  'credential-unavailable',
  'configuration-invalid',
]);

/**
 * Checks a key the way the service will use it and reports every check on its own. Never throws for
 * a customer problem: those become failed checks with their fix. Anything else that is thrown is a bug
 * and propagates.
 */
export async function validateKey(
  probe: KeyValidationProbe,
  deps: KeyValidationDeps,
): Promise<KeyValidationReport> {
  const report = new ReportBuilder();
  report.pass('vault-url', `${probe.vaultUrl} is an allowed Key Vault address`);
  const token = await attempt(() => probe.getToken());
  if (token.error !== undefined) {
    report.fail('authentication', token.error);
    return report.build(deps.now(), 'authentication');
  }
  const described = await attempt(() => probe.describeKey());
  if (described.error !== undefined) {
    recordReadFailure(report, described.error);
    return report.build(deps.now());
  }
  const key = described.value;
  report.pass('authentication', 'Entra ID issued a token the vault accepted');
  report.pass('vault-reachable', 'the vault answered');
  report.pass('key-found', `found ${key.kid}`);
  for (const result of checkKeyRequirements(key, deps.now())) report.requirement(result);
  await checkLiveOperations(report, probe, key, deps);
  return report.build(deps.now(), undefined, key);
}

function recordReadFailure(report: ReportBuilder, error: KeyVaultError): void {
  if (NOT_AUTHENTICATED.has(error.problem)) {
    report.fail('authentication', error);
    return;
  }
  report.pass('authentication', 'Entra ID issued a token');
  if (UNREACHABLE.has(error.problem)) {
    report.fail('vault-reachable', error);
    return;
  }
  report.pass('vault-reachable', 'the vault answered');
  if (error.problem !== 'key-disabled') {
    report.fail('key-found', error);
    return;
  }
  report.pass('key-found', 'the key exists, but its current version is disabled');
  report.fail('key-enabled', error);
  for (const name of ['key-dates', 'key-type', 'key-size', 'key-operations'] as const) {
    report.skip(name, 'key-enabled', 'a disabled key version does not show its attributes');
  }
}

async function checkLiveOperations(
  report: ReportBuilder,
  probe: KeyValidationProbe,
  key: KeyDescription,
  deps: KeyValidationDeps,
): Promise<void> {
  const sample = deps.randomBytes(SAMPLE_BYTES);
  const wrapBlocker =
    report.firstFailed(['key-enabled', 'key-type', 'key-dates']) ?? missingOperation(key, 'wrapKey');
  let wrapped: Uint8Array | undefined;
  if (wrapBlocker !== undefined) {
    report.skip('wrap-permitted', wrapBlocker);
  } else {
    const result = await attempt(() => probe.wrapWith(key.kid, sample));
    if (result.error === undefined) {
      wrapped = result.value;
      report.pass('wrap-permitted', 'Key Vault wrapped 32 random bytes with the current key version');
    } else {
      report.fail('wrap-permitted', result.error);
    }
  }
  // Unwrap is allowed outside nbf/exp; without a remote wrap, wrap locally with the public key to still test it.
  const unwrapBlocker = report.firstFailed(['key-enabled', 'key-type']) ?? missingOperation(key, 'unwrapKey');
  const input = wrapped ?? (key.publicJwk === undefined ? undefined : wrapLocally(key.publicJwk, sample));
  let unwrapped: Uint8Array | undefined;
  if (unwrapBlocker !== undefined || input === undefined) {
    report.skip('unwrap-permitted', unwrapBlocker ?? 'key-type');
  } else {
    const result = await attempt(() => probe.unwrapWith(key.kid, input));
    if (result.error === undefined) {
      unwrapped = result.value;
      const origin = wrapped === undefined ? 'wrapped locally with the public key' : 'wrapped by Key Vault';
      report.pass('unwrap-permitted', `Key Vault unwrapped a value ${origin}`);
    } else {
      report.fail('unwrap-permitted', result.error);
    }
  }
  await checkRoundTrip(report, probe, key, { sample, wrapped, unwrapped });
}

async function checkRoundTrip(
  report: ReportBuilder,
  probe: KeyValidationProbe,
  key: KeyDescription,
  values: { sample: Uint8Array; wrapped?: Uint8Array; unwrapped?: Uint8Array },
): Promise<void> {
  if (values.wrapped === undefined) return report.skip('round-trip', 'wrap-permitted');
  if (values.unwrapped === undefined) return report.skip('round-trip', 'unwrap-permitted');
  if (!sameBytes(values.unwrapped, values.sample)) {
    return report.failWith(
      'round-trip',
      'round-trip-mismatch',
      'unwrapping the wrapped bytes returned other bytes',
    );
  }
  // The service wraps new data keys locally with the public key: prove that key is the vault's.
  if (key.publicJwk === undefined)
    return report.pass('round-trip', 'wrap then unwrap returned the same 32 bytes');
  const local = await attempt(() =>
    probe.unwrapWith(key.kid, wrapLocally(key.publicJwk as RsaPublicJwk, values.sample)),
  );
  if (local.error !== undefined) return report.fail('round-trip', local.error);
  if (!sameBytes(local.value, values.sample)) {
    return report.failWith(
      'round-trip',
      'round-trip-mismatch',
      "a value wrapped with the key's public key did not unwrap to the same bytes",
    );
  }
  report.pass(
    'round-trip',
    'bytes wrapped by Key Vault and by the public key both unwrapped to the same 32 bytes',
  );
}

function missingOperation(key: KeyDescription, operation: string): KeyValidationCheckName | undefined {
  return key.keyOps.includes(operation) ? undefined : 'key-operations';
}

/** RSA-OAEP-256 (OAEP with SHA-256 and MGF1-SHA-256), as Key Vault and the JWE producer use it. */
export function wrapLocally(publicJwk: RsaPublicJwk, key: Uint8Array): Uint8Array {
  const publicKey = createPublicKey({ key: { ...publicJwk }, format: 'jwk' });
  return publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    key,
  );
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

type Attempt<T> = { value: T; error?: undefined } | { value?: undefined; error: KeyVaultError };

/** Customer problems become values; bugs keep propagating. */
async function attempt<T>(call: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { value: await call() };
  } catch (error) {
    if (error instanceof KeyVaultError) return { error };
    throw error;
  }
}

/**
 * A failed check: the problem, what was found, the admin's fix and whether it is transient (the same
 * `fix` and error class a `KeyVaultError` of that problem carries).
 */
export function failedCheck(
  name: KeyValidationCheckName,
  problem: KeyVaultProblem,
  message: string,
): KeyValidationCheck {
  return {
    name,
    status: 'failed',
    problem,
    message,
    fix: fixFor(problem),
    transient: errorClassOf(problem) === 'key-vault-unavailable',
  };
}

class ReportBuilder {
  readonly #checks = new Map<KeyValidationCheckName, KeyValidationCheck>();

  pass(name: KeyValidationCheckName, message: string): void {
    this.#checks.set(name, { name, status: 'passed', message });
  }

  fail(name: KeyValidationCheckName, error: KeyVaultError): void {
    this.#checks.set(name, failedCheck(name, error.problem, error.message));
  }

  failWith(name: KeyValidationCheckName, problem: KeyVaultProblem, message: string): void {
    this.#checks.set(name, failedCheck(name, problem, message));
  }

  requirement(result: RequirementResult): void {
    if (result.status === 'failed' && result.problem !== undefined) {
      this.failWith(result.name, result.problem, result.message);
    } else {
      this.#checks.set(result.name, { name: result.name, status: result.status, message: result.message });
    }
  }

  skip(name: KeyValidationCheckName, because: KeyValidationCheckName, detail?: string): void {
    const reason = `skipped because ${because} did not pass${detail === undefined ? '' : ` (${detail})`}`;
    this.#checks.set(name, { name, status: 'skipped', message: reason });
  }

  firstFailed(names: readonly KeyValidationCheckName[]): KeyValidationCheckName | undefined {
    return names.find((name) => this.#checks.get(name)?.status === 'failed');
  }

  /** Orders the checks; with `skipRestBecause`, every check not yet decided is skipped for that reason. */
  build(nowMs: number, skipRestBecause?: KeyValidationCheckName, key?: KeyDescription): KeyValidationReport {
    const blocker = skipRestBecause ?? this.#firstBlocking();
    const checks = KEY_VALIDATION_CHECKS.map((name): KeyValidationCheck => {
      const check = this.#checks.get(name);
      if (check !== undefined) return check;
      if (blocker === undefined) throw new Error(`key validation left ${name} undecided`);
      return { name, status: 'skipped', message: `skipped because ${blocker} did not pass` };
    });
    return {
      outcome: checks.every((check) => check.status === 'passed') ? 'passed' : 'failed',
      checkedAt: new Date(nowMs).toISOString(),
      checks,
      ...(key === undefined ? {} : { key }),
    };
  }

  #firstBlocking(): KeyValidationCheckName | undefined {
    return KEY_VALIDATION_CHECKS.find((name) => this.#checks.get(name)?.status === 'failed');
  }
}
