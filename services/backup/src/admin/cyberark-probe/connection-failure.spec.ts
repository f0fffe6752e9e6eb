import {
  CyberArkAuthError,
  CyberArkInvalidRequestError,
  CyberArkRedirectRefusedError,
  CyberArkThrottledError,
  CyberArkUnavailableError,
} from '@vault-backup/cyberark';
import { UrlNotAllowedError } from '@vault-backup/url-policy';
import { classifyConnectionError } from './connection-failure';

const TOKEN = { operation: 'POST oauth2/platformtoken' };

describe('classifyConnectionError', () => {
  it.each([
    [
      new CyberArkAuthError('x', { ...TOKEN, status: 401, cyberArkCode: 'invalid_client' }),
      'bad-credentials',
    ],
    [
      new CyberArkAuthError('x', { ...TOKEN, status: 400, cyberArkCode: 'unauthorized_client' }),
      'not-confidential-client',
    ],
    [new CyberArkAuthError('x', { operation: 'GET Safes/{safe}', status: 401 }), 'bad-credentials'],
    [
      new CyberArkUnavailableError(
        'connect-failed',
        'POST oauth2/platformtoken failed: connect-failed (ECONNREFUSED)',
        TOKEN,
      ),
      'unreachable',
    ],
    [
      new CyberArkUnavailableError('connect-failed', 'x failed: connect-failed (ENOTFOUND)', TOKEN),
      'unreachable',
    ],
    [new CyberArkUnavailableError('timeout', 'x failed: timeout (ECONNABORTED)', TOKEN), 'unreachable'],
    [new CyberArkUnavailableError('server-error', 'x', { ...TOKEN, status: 503 }), 'unreachable'],
    [new CyberArkUnavailableError('circuit-open', 'x', TOKEN), 'unreachable'],
    [
      new CyberArkUnavailableError(
        'connect-failed',
        'x failed: connect-failed (SELF_SIGNED_CERT_IN_CHAIN)',
        TOKEN,
      ),
      'tls',
    ],
    [
      new CyberArkUnavailableError(
        'connect-failed',
        'x failed: connect-failed (ERR_TLS_CERT_ALTNAME_INVALID)',
        TOKEN,
      ),
      'tls',
    ],
    [
      new CyberArkUnavailableError('connect-failed', 'x failed: connect-failed (CERT_HAS_EXPIRED)', TOKEN),
      'tls',
    ],
    [
      new CyberArkUnavailableError('connect-failed', 'x failed: connect-failed (URL_NOT_ALLOWED)', TOKEN),
      'url-not-allowed',
    ],
    [new CyberArkUnavailableError('invalid-response', 'x', TOKEN), 'unexpected-response'],
    [new UrlNotAllowedError('address-not-allowed', 'resolves to an internal address'), 'url-not-allowed'],
    [new CyberArkRedirectRefusedError('x', { ...TOKEN, status: 302 }), 'redirect-refused'],
    [new CyberArkThrottledError('x', { ...TOKEN, status: 429 }), 'unreachable'],
    [new CyberArkInvalidRequestError('x', { ...TOKEN, status: 404 }), 'unexpected-response'],
  ])('%s → %s', (error, expected) => {
    expect(classifyConnectionError(error).class).toBe(expected);
  });

  it('builds its own message: server text never reaches the user', () => {
    const error = new CyberArkUnavailableError(
      'server-error',
      'POST x failed with HTTP 500: <html>stack trace secret</html>',
      {
        status: 500,
      },
    );
    expect(classifyConnectionError(error).message).not.toContain('stack trace');
  });

  it('rethrows what is not a CyberArk or URL-policy error (a bug must surface as one)', () => {
    const bug = new TypeError('undefined is not a function');
    expect(() => classifyConnectionError(bug)).toThrow(bug);
  });
});
