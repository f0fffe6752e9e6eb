/**
 * Paths that may carry secrets in anything we log. pino replaces them before serialisation, so a
 * secret that slips into a log object is still never written. Secret instances also stringify to
 * "[redacted]" on their own; this list is the second line of defence for raw strings.
 */
export const REDACTED_LOG_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.secrets',
  '*.clientSecret',
  '*.client_secret',
  '*.accessToken',
  '*.access_token',
  '*.token',
  '*.totpSecret',
  '*.backupCodes',
  '*.NewCredentials',
  '*.newCredentials',
  '*.authorization',
  '*.Authorization',
];

export const REDACTION_CENSOR = '[redacted]';
