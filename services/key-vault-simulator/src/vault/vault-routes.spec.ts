import { parseTarget } from '@vault-backup/simulator-kit';
import { routeVaultRequest } from './vault-routes';

const route = (method: string, url: string) => routeVaultRequest(method, parseTarget(url).segments);

describe('routeVaultRequest', () => {
  it('routes get-key with and without a version, empty version meaning current', () => {
    expect(route('GET', '/keys/cmk')).toEqual({ kind: 'key', operation: 'getKey', name: 'cmk', version: '' });
    expect(route('GET', '/keys/cmk/')).toEqual({
      kind: 'key',
      operation: 'getKey',
      name: 'cmk',
      version: '',
    });
    expect(route('GET', '/keys/cmk/0123abcd')).toMatchObject({ version: '0123abcd' });
  });

  it('routes the crypto actions case-insensitively, keeping an empty version', () => {
    expect(route('POST', '/keys/cmk//wrapkey')).toEqual({
      kind: 'key',
      operation: 'wrapKey',
      name: 'cmk',
      version: '',
    });
    expect(route('POST', '/Keys/cmk/v1/UnwrapKey')).toMatchObject({ operation: 'unwrapKey', version: 'v1' });
    expect(route('POST', '/keys/cmk/v1/encrypt')).toMatchObject({ operation: 'encrypt' });
    expect(route('POST', '/keys/cmk/v1/decrypt')).toMatchObject({ operation: 'decrypt' });
  });

  it('leaves everything it does not model unknown', () => {
    expect(route('POST', '/keys/cmk/v1/sign')).toEqual({ kind: 'unknown' });
    expect(route('DELETE', '/keys/cmk')).toEqual({ kind: 'unknown' });
    expect(route('GET', '/secrets/s')).toEqual({ kind: 'unknown' });
    expect(route('GET', '/keys')).toEqual({ kind: 'unknown' });
    expect(route('GET', '/keys/cmk/v1/wrapkey/x')).toEqual({ kind: 'unknown' });
  });
});
