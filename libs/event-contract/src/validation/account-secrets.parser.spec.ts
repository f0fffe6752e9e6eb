import { inspect } from 'node:util';
import { parseAccountSecrets } from './account-secrets.parser';

describe('parseAccountSecrets', () => {
  it('wraps every present value and drops nulls and unknown members', () => {
    const result = parseAccountSecrets({
      password: 'pw',
      totpSecret: null,
      backupCodes: ['a', 'b'],
      pin: '1234',
    });
    if (!result.ok) throw new Error(result.reason);

    expect(Object.keys(result.secrets).sort()).toEqual(['backupCodes', 'password']);
    expect(result.secrets.password?.reveal()).toBe('pw');
    expect(result.secrets.backupCodes?.reveal()).toEqual(['a', 'b']);
    expect(inspect(result.secrets)).not.toMatch(/pw|'a'/);
  });

  it('copies backup codes so later changes to the input cannot leak in', () => {
    const codes = ['a'];
    const result = parseAccountSecrets({ backupCodes: codes });
    codes.push('b');

    expect(result.ok && result.secrets.backupCodes?.reveal()).toEqual(['a']);
  });

  it('rejects a wrong shape with a pointer under the base', () => {
    expect(parseAccountSecrets({ password: 5 }, '/plaintext')).toEqual({
      ok: false,
      field: '/plaintext/password',
      reason: '/plaintext/password must be string or null of 1..4096 characters',
    });
    expect(parseAccountSecrets(null)).toMatchObject({ ok: false, reason: '(root) must be object' });
  });
});
