import { KEY_VAULT_KID, encodeHeader, validJwe } from '../../test/account-event.fixtures';
import { validateFlattenedJwe } from './flattened-jwe.validator';

describe('validateFlattenedJwe', () => {
  it('returns the JWE and its decoded protected header', () => {
    const result = validateFlattenedJwe(validJwe());

    expect(result).toMatchObject({
      ok: true,
      header: { alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: KEY_VAULT_KID },
    });
  });

  it('reports member problems relative to the base pointer', () => {
    expect(validateFlattenedJwe({ ...validJwe(), iv: 'short' }, '/x')).toMatchObject({
      ok: false,
      field: '/x/iv',
    });
    expect(validateFlattenedJwe('not an object')).toMatchObject({
      ok: false,
      field: '',
      reason: '(root) must be object',
    });
  });

  it('reports header problems on the protected member', () => {
    const result = validateFlattenedJwe(
      validJwe({ protected: encodeHeader({ alg: 'RSA-OAEP', enc: 'A256GCM', kid: KEY_VAULT_KID }) }),
    );

    expect(result).toEqual({
      ok: false,
      field: '/protected',
      reason: '/protected header /alg must be equal to "RSA-OAEP-256"',
    });
  });

  it('rejects a protected header that is JSON but not an object', () => {
    expect(validateFlattenedJwe(validJwe({ protected: encodeHeader([] as never) }))).toMatchObject({
      ok: false,
      reason: '/protected header (root) must be object',
    });
  });
});
