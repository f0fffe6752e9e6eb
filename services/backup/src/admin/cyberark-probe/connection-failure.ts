import {
  CyberArkAuthError,
  CyberArkError,
  CyberArkRedirectRefusedError,
  CyberArkThrottledError,
  CyberArkUnavailableError,
} from '@vault-backup/cyberark';
import { isUrlNotAllowedError } from '@vault-backup/url-policy';
import { type ConnectionFailure } from './check-report';

/** Node/OpenSSL certificate and handshake codes, as the CyberArk transport quotes them. */
const TLS_CODE =
  /\((?:CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_|UNABLE_TO_|SELF_SIGNED_|HOSTNAME_MISMATCH|EPROTO)[A-Z0-9_]*\)/;
const NETWORK_CODE = /\(([A-Z][A-Z0-9_]+)\)\s*$/;
const NOT_CONFIDENTIAL = 'unauthorized_client';

/**
 * Turns what the CyberArk client threw while obtaining a token (or reading the safe/platform)
 * into a user-facing class and a message that says what to fix. Messages are ours, built from
 * stable facts (status, codes): server text never reaches the user through here.
 * Anything that is not a CyberArk or URL-policy error is a bug and is rethrown.
 */
export function classifyConnectionError(error: unknown): ConnectionFailure {
  if (isUrlNotAllowedError(error))
    return { class: 'url-not-allowed', message: `The tenant URL is not allowed: it ${error.message}.` };
  if (!(error instanceof CyberArkError)) throw error;
  if (error instanceof CyberArkAuthError) return authFailure(error);
  if (error instanceof CyberArkRedirectRefusedError) {
    return {
      class: 'redirect-refused',
      message:
        'CyberArk answered with a redirect, which is never followed; use the tenant URL the redirect points to, if it is yours.',
    };
  }
  if (error instanceof CyberArkThrottledError) {
    return {
      class: 'unreachable',
      message: 'CyberArk is throttling requests (HTTP 429); try again in a minute.',
    };
  }
  if (error instanceof CyberArkUnavailableError) return unavailableFailure(error);
  const status = error.status === undefined ? '' : ` HTTP ${error.status}`;
  return {
    class: 'unexpected-response',
    message: `CyberArk answered${status} in a way the setup cannot use (${error.operation ?? 'request'}); check that each URL is the right one for its role.`,
  };
}

function authFailure(error: CyberArkAuthError): ConnectionFailure {
  if (error.cyberArkCode === NOT_CONFIDENTIAL) {
    return {
      class: 'not-confidential-client',
      message:
        'The service user may not use the client-credentials grant: in Identity Administration, tick "Is OAuth confidential client" on it.',
    };
  }
  if (error.operation?.includes('platformtoken') !== true) {
    return {
      class: 'bad-credentials',
      message:
        'Privilege Cloud refused the platform token; check that the Privilege Cloud URL belongs to the same tenant as the identity URL.',
    };
  }
  return {
    class: 'bad-credentials',
    message: 'The identity tenant rejected the client ID or the client secret.',
  };
}

function unavailableFailure(error: CyberArkUnavailableError): ConnectionFailure {
  const code = NETWORK_CODE.exec(error.message)?.[1];
  if (code === 'URL_NOT_ALLOWED') {
    return {
      class: 'url-not-allowed',
      message: 'The tenant host resolved to an address that is never contacted.',
    };
  }
  if (TLS_CODE.test(error.message)) {
    return {
      class: 'tls',
      message: `The TLS connection to CyberArk failed (${code ?? 'handshake'}): the certificate is not trusted or does not match the host.`,
    };
  }
  switch (error.reason) {
    case 'timeout':
      return {
        class: 'unreachable',
        message: 'CyberArk did not answer in time; check the URL, or try again later.',
      };
    case 'server-error':
      return {
        class: 'unreachable',
        message: `CyberArk answered HTTP ${error.status ?? '5xx'}; try again later.`,
      };
    case 'invalid-response':
      return {
        class: 'unexpected-response',
        message: 'CyberArk answered with a body the setup cannot read; check the URLs.',
      };
    case 'circuit-open':
      return {
        class: 'unreachable',
        message: 'CyberArk failed repeatedly moments ago; try again in a minute.',
      };
    case 'connect-failed':
    case 'connection-reset':
      return {
        class: 'unreachable',
        message: `CyberArk could not be reached (${code ?? error.reason}); check the host name, and that it is reachable from this service.`,
      };
  }
}
