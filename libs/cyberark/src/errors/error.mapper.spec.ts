import { Secret } from '@vault-backup/config';
import {
  type CyberArkErrorClass,
  CyberArkThrottledError,
  CyberArkUnavailableError,
} from '../cyberark.errors';
import { type ResourceKind, mapHttpFailure, mapNetworkFailure } from './error.mapper';

const pvwa = (code: string, message: string, details: object[] = []): string =>
  JSON.stringify({ ErrorCode: code, ErrorMessage: message, Details: details });

describe('mapHttpFailure', () => {
  const table: [string, number, string | undefined, ResourceKind, CyberArkErrorClass][] = [
    ['401 empty body', 401, '', 'account', 'auth'],
    ['401 JSON body', 401, pvwa('PASWS006E', 'Session expired'), 'account', 'auth'],
    [
      '403 PASWS041E',
      403,
      pvwa('PASWS041E', 'You are not authorized to perform this action.'),
      'account',
      'permission',
    ],
    ['PASWS041E with an unexpected 400', 400, pvwa('PASWS041E', 'not authorized'), 'account', 'permission'],
    [
      '400 PASWS167E wrapping PASWS031E',
      400,
      pvwa('PASWS167E', 'There are some invalid parameters', [
        { ParameterName: 'safeName', ErrorCode: 'PASWS031E', ErrorMessage: 'Safe [X] was not found' },
      ]),
      'other',
      'safe-not-found',
    ],
    [
      '404 SFWS0007',
      404,
      pvwa('SFWS0007', 'Safe X has been deleted or does not exist.'),
      'safe',
      'safe-not-found',
    ],
    ['bare 404 on a Safe', 404, '', 'safe', 'safe-not-found'],
    ['bare 404 on an account', 404, '{}', 'account', 'account-not-found'],
    ['bare 404 on a platform', 404, '', 'platform', 'platform-not-found'],
    ['409 PASWS027E', 409, pvwa('PASWS027E', 'Object with name X already exists.'), 'other', 'duplicate'],
    ['400 PASWS027E', 400, pvwa('PASWS027E', 'Object with name X already exists.'), 'other', 'duplicate'],
    ['409 without a code', 409, '', 'other', 'duplicate'],
    ['400 PASWS164E', 400, pvwa('PASWS164E', 'Property does not exist'), 'account', 'invalid-property'],
    [
      'unknown property, text only',
      400,
      pvwa('PASWS999E', 'ExtraPass3Name is not valid for the specific platform'),
      'other',
      'invalid-property',
    ],
    [
      'property cannot be updated',
      400,
      pvwa('PASWS167E', "Property 'ExtraPass3Name' cannot be updated"),
      'account',
      'invalid-property',
    ],
    [
      'missing mandatory platform property',
      400,
      pvwa(
        'CAWS00001E',
        'Cannot add account; reason: Missing mandatory parameter in Platform Sun. (parameter: UserDN)',
      ),
      'other',
      'invalid-property',
    ],
    [
      'Details names a platform property',
      400,
      pvwa('PASWS167E', 'There are some invalid parameters', [
        { ParameterName: 'platformAccountProperties.Foo', ErrorCode: '' },
      ]),
      'other',
      'invalid-property',
    ],
    [
      'platform not found by text',
      400,
      pvwa('PASWS167E', 'Platform [Nope] was not found'),
      'other',
      'platform-not-found',
    ],
    [
      'platformId parameter in Details',
      400,
      pvwa('PASWS167E', 'There are some invalid parameters', [
        { ParameterName: 'platformId', ErrorCode: 'X' },
      ]),
      'other',
      'platform-not-found',
    ],
    ['500 HTML', 500, '<html><title>Runtime Error</title></html>', 'account', 'unavailable'],
    ['502 empty', 502, undefined, 'account', 'unavailable'],
    ['503 JSON', 503, JSON.stringify({ message: 'down', code: 503 }), 'account', 'unavailable'],
    [
      'IIS HTML 404 on a Safe with +',
      404,
      '<html><title>404 - File or directory not found.</title></html>',
      'safe',
      'safe-not-found',
    ],
    [
      'invalid limit',
      400,
      pvwa('PASWS167E', 'There are some invalid parameters', [
        { ParameterName: 'limit', ErrorCode: '', ErrorMessage: 'bad' },
      ]),
      'safe',
      'invalid-request',
    ],
    ['405', 405, '', 'account', 'invalid-request'],
    ['302', 302, '', 'account', 'redirect-refused'],
    ['429', 429, '', 'account', 'throttled'],
    [
      'token invalid_client as 400',
      400,
      JSON.stringify({ error: 'invalid_client', error_description: 'bad' }),
      'token',
      'auth',
    ],
    ['token unauthorized_client', 400, JSON.stringify({ error: 'unauthorized_client' }), 'token', 'auth'],
    ['token 401 empty', 401, '', 'token', 'auth'],
    ['token 503', 503, '', 'token', 'unavailable'],
    [
      'token unsupported_grant_type',
      400,
      JSON.stringify({ error: 'unsupported_grant_type' }),
      'token',
      'invalid-request',
    ],
    [
      'CCP APPAP004E',
      404,
      JSON.stringify({ ErrorCode: 'APPAP004E', ErrorMsg: 'Password object ... was not found' }),
      'ccp',
      'account-not-found',
    ],
    [
      'CCP APPAP306E',
      403,
      JSON.stringify({ ErrorCode: 'APPAP306E', ErrorMsg: 'App failed on authentication check' }),
      'ccp',
      'auth',
    ],
    [
      'CCP APPAP008E',
      403,
      JSON.stringify({ ErrorCode: 'APPAP008E', ErrorMsg: 'User app11 is not defined' }),
      'ccp',
      'permission',
    ],
    [
      'CCP APPAP007E is transient despite 400',
      400,
      JSON.stringify({ ErrorCode: 'APPAP007E', ErrorMsg: 'Vault down' }),
      'ccp',
      'unavailable',
    ],
    [
      'CCP AIMWS031E',
      400,
      JSON.stringify({ ErrorCode: 'AIMWS031E', ErrorMsg: 'AppID is required' }),
      'ccp',
      'invalid-request',
    ],
  ];

  it.each(table)('%s → %s', (_name, status, bodyText, resource, expected) => {
    const error = mapHttpFailure({ status, bodyText }, { operation: 'GET Test', resource });
    expect(error.errorClass).toBe(expected);
    expect(error.status).toBe(status);
    expect(error.retriable).toBe(expected === 'unavailable' || expected === 'throttled');
  });

  it('keeps the codes and the route, and quotes the server message', () => {
    const error = mapHttpFailure(
      {
        status: 400,
        bodyText: pvwa('PASWS167E', 'There are some invalid parameters', [
          { ErrorCode: 'PASWS031E', ErrorMessage: 'Safe [S] was not found' },
        ]),
      },
      { operation: 'POST Accounts', resource: 'other' },
    );
    expect(error.cyberArkCode).toBe('PASWS167E');
    expect(error.detailCodes).toEqual(['PASWS031E']);
    expect(error.operation).toBe('POST Accounts');
    expect(error.message).toContain('Safe [S] was not found');
  });

  it('cuts a secret the server echoed out of the message', () => {
    const secret = new Secret('hunter2-very-secret');
    const error = mapHttpFailure(
      { status: 400, bodyText: pvwa('PASWS999E', 'password hunter2-very-secret violates policy') },
      { operation: 'POST Accounts/{id}/Password/Update', resource: 'account', secrets: [secret] },
    );
    expect(error.message).not.toContain('hunter2');
    expect(error.message).toContain('[redacted]');
  });

  it('carries Retry-After on a throttled error', () => {
    const error = mapHttpFailure(
      { status: 429, retryAfterMs: 1500 },
      { operation: 'GET Accounts', resource: 'safe' },
    );
    expect(error).toBeInstanceOf(CyberArkThrottledError);
    expect((error as CyberArkThrottledError).retryAfterMs).toBe(1500);
  });

  it('explains unauthorized_client as a service-user setup problem', () => {
    const error = mapHttpFailure(
      { status: 400, bodyText: JSON.stringify({ error: 'unauthorized_client' }) },
      { operation: 'POST oauth2/platformtoken', resource: 'token' },
    );
    expect(error.message).toMatch(/OAuth confidential client/);
  });
});

describe('mapNetworkFailure', () => {
  it('says whether the request may have been processed', () => {
    const context = { operation: 'POST Accounts', resource: 'other' as const };
    expect(mapNetworkFailure('timeout', 'ETIMEDOUT', context).requestMayHaveBeenProcessed).toBe(true);
    expect(mapNetworkFailure('connection-reset', 'ECONNRESET', context).requestMayHaveBeenProcessed).toBe(
      true,
    );
    expect(mapNetworkFailure('connect-failed', 'ECONNREFUSED', context).requestMayHaveBeenProcessed).toBe(
      false,
    );
    expect(new CyberArkUnavailableError('circuit-open', 'x').requestMayHaveBeenProcessed).toBe(false);
  });
});
