import { AuthenticationRequiredError } from '@azure/identity';
import { toKeyVaultError } from '../errors/key-vault-error.mapper';
import { KeyVaultError } from '../key-vault.errors';
import { KeyVaultKeyAdapter } from '../key/key-vault-key.adapter';
import { FAILURES, StubKeyVaultCalls } from '../test/stub-key-vault.calls';
import { type KeyValidationCheckName, type KeyValidationReport } from './key-validation.types';

const NOW = Date.parse('2026-03-01T12:00:00Z');

function setup(bits = 4096) {
  const calls = new StubKeyVaultCalls(bits);
  return { calls, adapter: new KeyVaultKeyAdapter(calls, () => NOW) };
}

function statuses(report: KeyValidationReport): Record<string, string> {
  return Object.fromEntries(
    report.checks.map((check) => [
      check.name,
      check.status === 'failed' ? `failed:${check.problem}` : check.status,
    ]),
  );
}

const check = (report: KeyValidationReport, name: KeyValidationCheckName) =>
  report.checks.find((entry) => entry.name === name)!;

const wrongSecret = toKeyVaultError(
  new AuthenticationRequiredError({
    scopes: ['https://vault.azure.net/.default'],
    message:
      'invalid_client: Error(s): 7000215 - Timestamp: 2026-03-01 - Description: AADSTS7000215: Invalid client secret provided. - Correlation ID: c - Trace ID: t',
  }),
  { operation: 'get-token' },
);

describe('validateKey', () => {
  it('passes every check, in order, for an enabled RSA 4096 key with the right role', async () => {
    const { adapter, calls } = setup();
    const report = await adapter.validate();
    expect(report.outcome).toBe('passed');
    expect(report.checks.map((entry) => entry.name)).toEqual([
      'vault-url',
      'authentication',
      'vault-reachable',
      'key-found',
      'key-enabled',
      'key-dates',
      'key-type',
      'key-size',
      'key-operations',
      'wrap-permitted',
      'unwrap-permitted',
      'round-trip',
    ]);
    expect(report.checks.every((entry) => entry.status === 'passed')).toBe(true);
    expect(report.checkedAt).toBe('2026-03-01T12:00:00.000Z');
    expect(report.key).toMatchObject({ kid: calls.kid, sizeBits: 4096 });
    // token, key, remote wrap, unwrap of it, unwrap of a value wrapped locally with the public key
    expect(calls.calls).toEqual([
      'getToken',
      'getKey',
      expect.stringMatching(/^wrapKey/),
      expect.stringMatching(/^unwrapKey/),
      expect.stringMatching(/^unwrapKey/),
    ]);
  });

  it('wrong client secret: authentication fails with its fix, everything after is skipped saying why', async () => {
    const { adapter, calls } = setup();
    calls.failNext('getToken', wrongSecret);
    const report = await adapter.validate();
    expect(report.outcome).toBe('failed');
    expect(check(report, 'authentication')).toMatchObject({
      status: 'failed',
      problem: 'authentication-failed',
      transient: false,
    });
    expect(check(report, 'authentication').fix).toContain('client secret');
    expect(check(report, 'round-trip')).toEqual({
      name: 'round-trip',
      status: 'skipped',
      message: 'skipped because authentication did not pass',
    });
    expect(calls.calls).toEqual(['getToken']);
  });

  it('RSA 2048: key-size fails; the live checks still run (the role is worth knowing about)', async () => {
    const report = await setup(2048).adapter.validate();
    expect(statuses(report)).toMatchObject({
      'key-type': 'passed',
      'key-size': 'failed:key-size',
      'wrap-permitted': 'passed',
      'unwrap-permitted': 'passed',
      'round-trip': 'passed',
    });
    expect(check(report, 'key-size').message).toBe('the key is RSA 2048; RSA 4096 is required');
    expect(report.outcome).toBe('failed');
  });

  it('an EC key: key-type fails; size and the live checks are skipped because of it', async () => {
    const { adapter, calls } = setup();
    calls.key.kty = 'EC';
    calls.key.keyOps = ['sign', 'verify'];
    const report = await adapter.validate();
    expect(statuses(report)).toMatchObject({
      'key-type': 'failed:key-not-rsa',
      'key-size': 'skipped',
      'key-operations': 'failed:operation-not-permitted',
      'wrap-permitted': 'skipped',
      'unwrap-permitted': 'skipped',
      'round-trip': 'skipped',
    });
    expect(check(report, 'wrap-permitted').message).toBe('skipped because key-type did not pass');
    expect(calls.calls).toEqual(['getToken', 'getKey']);
  });

  it('a disabled key (Key Vault refuses even to read it): key-found passes, key-enabled fails', async () => {
    const { adapter, calls } = setup();
    calls.failNext('getKey', FAILURES.keyDisabled('get-key'));
    const report = await adapter.validate();
    expect(statuses(report)).toMatchObject({
      'vault-reachable': 'passed',
      'key-found': 'passed',
      'key-enabled': 'failed:key-disabled',
      'key-dates': 'skipped',
      'key-size': 'skipped',
      'wrap-permitted': 'skipped',
      'round-trip': 'skipped',
    });
    expect(check(report, 'key-enabled').fix).toContain('Enable');
  });

  it('a disabled key whose attributes are readable: key-enabled fails and the live checks are skipped', async () => {
    const { adapter, calls } = setup();
    calls.key.enabled = false;
    const report = await adapter.validate();
    expect(statuses(report)).toMatchObject({
      'key-enabled': 'failed:key-disabled',
      'key-size': 'passed',
      'wrap-permitted': 'skipped',
      'unwrap-permitted': 'skipped',
    });
  });

  it('no role: key-found fails with forbidden and the role to assign', async () => {
    const { adapter, calls } = setup();
    calls.failNext('getKey', FAILURES.forbiddenByRbac('get-key'));
    const report = await adapter.validate();
    expect(statuses(report)).toMatchObject({
      authentication: 'passed',
      'vault-reachable': 'passed',
      'key-found': 'failed:forbidden',
      'key-enabled': 'skipped',
    });
    expect(check(report, 'key-found').fix).toContain('Key Vault Crypto Service Encryption User');
  });

  it('a read-only role (Key Vault Reader): the key is read, wrap and unwrap are refused', async () => {
    const { adapter, calls } = setup();
    calls.failNext('wrapKey', FAILURES.forbiddenByRbac('wrap-key'));
    calls.failNext('unwrapKey', FAILURES.forbiddenByRbac('unwrap-key'));
    const report = await adapter.validate();
    expect(statuses(report)).toMatchObject({
      'key-operations': 'passed',
      'wrap-permitted': 'failed:forbidden',
      'unwrap-permitted': 'failed:forbidden',
      'round-trip': 'skipped',
    });
  });

  it('an expired key: key-dates fails, wrap is skipped, unwrap is still proven with a locally wrapped value', async () => {
    const { adapter, calls } = setup();
    calls.key.expiresOn = new Date(NOW - 60_000);
    const report = await adapter.validate();
    expect(statuses(report)).toMatchObject({
      'key-dates': 'failed:key-expired',
      'wrap-permitted': 'skipped',
      'unwrap-permitted': 'passed',
      'round-trip': 'skipped',
    });
    expect(check(report, 'unwrap-permitted').message).toBe(
      'Key Vault unwrapped a value wrapped locally with the public key',
    );
    expect(check(report, 'key-dates').message).toBe(
      'the current key version expired at 2026-03-01T11:59:00.000Z',
    );
  });

  it('a key not valid yet: key-dates fails with key-not-yet-valid', async () => {
    const { adapter, calls } = setup();
    calls.key.notBefore = new Date(NOW + 86_400_000);
    expect(statuses(await adapter.validate())['key-dates']).toBe('failed:key-not-yet-valid');
  });

  it('key_ops without wrapKey: wrap skipped because of key-operations, unwrap still tested', async () => {
    const { adapter, calls } = setup();
    calls.key.keyOps = ['unwrapKey'];
    const report = await adapter.validate();
    expect(statuses(report)).toMatchObject({
      'key-operations': 'failed:operation-not-permitted',
      'wrap-permitted': 'skipped',
      'unwrap-permitted': 'passed',
    });
    expect(check(report, 'key-operations').message).toBe("the key's permitted operations lack wrapKey");
    expect(check(report, 'wrap-permitted').message).toBe('skipped because key-operations did not pass');
  });

  it('an unreachable vault: vault-reachable fails as transient', async () => {
    const { adapter, calls } = setup();
    calls.failNext('getKey', FAILURES.serverError('get-key'));
    const report = await adapter.validate();
    expect(check(report, 'vault-reachable')).toMatchObject({
      status: 'failed',
      problem: 'service-unavailable',
      transient: true,
    });
    expect(check(report, 'key-found').status).toBe('skipped');
  });

  it('a vault of another tenant: authentication fails even though the first token was issued', async () => {
    const { adapter, calls } = setup();
    calls.failNext(
      'getKey',
      new KeyVaultError('tenant-mismatch', 'get-key: the vault belongs to another tenant'),
    );
    const report = await adapter.validate();
    expect(statuses(report)).toMatchObject({
      authentication: 'failed:tenant-mismatch',
      'vault-reachable': 'skipped',
    });
  });

  it('a vault that returns other bytes: round-trip fails', async () => {
    const { adapter, calls } = setup();
    calls.tamperUnwrap = (plain) => Buffer.from(plain.map((byte) => byte ^ 1));
    const report = await adapter.validate();
    expect(statuses(report)['round-trip']).toBe('failed:round-trip-mismatch');
  });

  it('throws bugs instead of reporting them', async () => {
    const { adapter, calls } = setup();
    calls.getKey = () => Promise.reject(new TypeError('a bug'));
    await expect(adapter.validate()).rejects.toThrow(TypeError);
  });
});
