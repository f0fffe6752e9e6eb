import { assertNoSecretValues } from './audit-entry';

describe('assertNoSecretValues', () => {
  it('accepts field names, classes and options', () => {
    expect(() =>
      assertNoSecretValues({
        changedFields: ['clientSecret'],
        failureClass: 'bad-credentials',
        options: { allowPlaintextSecrets: true },
      }),
    ).not.toThrow();
  });

  it.each([
    { clientSecret: 'x' },
    { nested: { password: 'x' } },
    { access_token: 'x' },
    { clientSecretCiphertext: 'x' },
  ])('refuses %j', (details) => {
    expect(() => assertNoSecretValues(details)).toThrow(/must not carry a value/);
  });
});
