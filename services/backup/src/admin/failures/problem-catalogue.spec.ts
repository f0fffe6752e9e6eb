import { ERROR_CLASSES } from '../../pipeline/domain/backup-failure';
import { actionFor, hasAdviceFor, type ProblemFacts, propertyIn } from './problem-catalogue';

const facts = (overrides: Partial<ProblemFacts>): ProblemFacts => ({
  kind: 'failed',
  errorClass: 'internal',
  code: null,
  message: '',
  safeName: 'VaultBackupSafe',
  platformId: 'VaultBackupPlatform',
  ...overrides,
});

describe('actionFor', () => {
  it('has its own advice for every error class a backup can fail with', () => {
    expect(ERROR_CLASSES.filter((errorClass) => !hasAdviceFor(errorClass))).toEqual([]);
  });

  it('names the platform and the property CyberArk refused, then says to replay', () => {
    const message =
      'POST Accounts failed with HTTP 400 PASWS167E/PASWS167E: There are some invalid parameters | Property [totpSecret] is not defined for platform [VaultBackupPlatform].';
    expect(actionFor(facts({ errorClass: 'invalid-property', code: 'PASWS167E', message }))).toBe(
      'platform VaultBackupPlatform has no optional property totpSecret — add it, then replay',
    );
  });

  it('still says what to do when the property cannot be read from the message', () => {
    expect(actionFor(facts({ errorClass: 'invalid-property', code: 'PASWS164E', message: 'odd text' }))).toBe(
      'platform VaultBackupPlatform does not define a property the account sends (the detail names it) — add it as an optional property, then replay',
    );
  });

  it('names a mandatory property the account lacks', () => {
    const message =
      'POST Accounts failed with HTTP 400 CAWS00001E: Cannot add account; reason: Missing mandatory parameter in Platform VaultBackupPlatform. (parameter: region)';
    expect(actionFor(facts({ errorClass: 'invalid-property', code: 'CAWS00001E', message }))).toBe(
      'platform VaultBackupPlatform requires property region that the account does not send — make it optional on the platform, then replay',
    );
  });

  it('names the Safe and the permissions for PASWS041E', () => {
    expect(actionFor(facts({ errorClass: 'permission', code: 'PASWS041E' }))).toBe(
      'the service user lacks a permission on Safe VaultBackupSafe — grant it Add accounts, Update account content, Update account properties and List accounts, then replay',
    );
  });

  it('reuses the Key Vault fix texts and tells that a parked backup resumes by itself', () => {
    const action = actionFor(
      facts({ kind: 'parked', errorClass: 'key-access-revoked', code: 'KEY_VAULT_FORBIDDEN' }),
    );
    expect(action).toMatch(
      /^the workspace's Azure Key Vault key refuses us \(forbidden\) — the service principal/,
    );
    expect(action).toContain('Key Vault Crypto Service Encryption User');
    expect(action).toMatch(/; parked backups resume by themselves$/);
  });

  it('asks only for a replay once a transient cause is gone', () => {
    expect(actionFor(facts({ errorClass: 'unavailable', code: 'CYBERARK_UNAVAILABLE' }))).toMatch(
      /; replay once it is back$/,
    );
  });

  it('prefers the advice of a precise code over its class', () => {
    expect(actionFor(facts({ errorClass: 'invalid-event', code: 'PLAINTEXT_SECRETS_NOT_ALLOWED' }))).toMatch(
      /^the event carries plaintext secrets and this workspace refuses them — encrypt the secrets/,
    );
  });

  it('falls back to generic words for a class it does not know, and to neutral names without a configuration', () => {
    expect(actionFor(facts({ errorClass: 'brand-new' }))).toBe(
      'the backup failed (the detail says why) — correct the cause it names, then replay',
    );
    expect(actionFor(facts({ errorClass: 'duplicate', safeName: null }))).toContain(
      'in Safe the backup Safe',
    );
  });

  it('never quotes the message beyond an identifier', () => {
    const message = 'Property [hunter2 secret=abc] is not defined | password=pw-123';
    const action = actionFor(facts({ errorClass: 'invalid-property', message }));
    expect(action).not.toContain('pw-123');
    expect(action).not.toContain('hunter2');
    expect(actionFor(facts({ errorClass: 'permission', safeName: 'bad"name<script>' }))).toContain(
      'Safe the backup Safe',
    );
  });
});

describe('propertyIn', () => {
  it.each([
    ['Property [totpSecret] is not defined for platform [P].', 'totpSecret'],
    ['ParameterName platformAccountProperties.region', 'region'],
    ['The property at path [/platformAccountProperties/port] does not exist on the account.', 'port'],
    ["Property 'LogonDomain' cannot be updated", 'LogonDomain'],
    ['no property here', undefined],
  ])('%s → %s', (message, property) => {
    expect(propertyIn(message)).toBe(property);
  });
});
