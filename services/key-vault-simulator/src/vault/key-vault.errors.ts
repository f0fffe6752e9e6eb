import { type Reply } from '../http/http.types';

/** Key Vault's error document: `{error: {code, message, innererror?: {code}}}`. */
export function keyVaultError(status: number, code: string, message: string, innerCode?: string): Reply {
  return {
    status,
    body: { error: { code, message, ...(innerCode ? { innererror: { code: innerCode } } : {}) } },
  };
}

/** Azure names operations this way in its "Operation X is not …" messages. */
export type OperationName = 'get' | 'wrapKey' | 'unwrapKey' | 'encrypt' | 'decrypt';

export interface RbacDenial {
  clientId: string;
  objectId: string;
  issuer: string;
  dataAction: string;
  vault: string;
  keyName: string;
}

const GENERIC_STATUS_CODES: Record<number, string> = {
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/**
 * Messages quoted from captured service answers where one exists (AKV10000, AKV10022, AKV10032,
 * KeyNotFound, ForbiddenByRbac, KeyDisabled, KeyOperationForbidden, OAEP, Throttled); the rest are
 * the simulator's wording and marked so in the README.
 */
export const KeyVaultErrors = {
  missingToken: (): Reply =>
    keyVaultError(401, 'Unauthorized', 'AKV10000: Request is missing a Bearer or PoP token.'),
  invalidAudience: (expected: string, found: string): Reply =>
    keyVaultError(401, 'Unauthorized', `AKV10022: Invalid audience. Expected ${expected}, found: ${found}.`),
  invalidIssuer: (expected: string, found: string): Reply =>
    keyVaultError(
      401,
      'Unauthorized',
      `AKV10032: Invalid issuer. Expected one of ${expected}, found ${found}.`,
    ),
  unknownSigningKey: (): Reply =>
    keyVaultError(401, 'Unauthorized', 'AKV10046: Unable to resolve the key used for signature validation.'),
  invalidToken: (reason: string): Reply =>
    keyVaultError(401, 'Unauthorized', `Token validation failed: ${reason}.`),
  missingApiVersion: (): Reply =>
    keyVaultError(400, 'BadParameter', "The request is missing the required 'api-version' query parameter."),
  unsupportedApiVersion: (version: string, latest: string): Reply =>
    keyVaultError(
      400,
      'BadParameter',
      `The specified version (${version}) is not recognized. Consider using the latest supported version (${latest}).`,
    ),
  keyNotFound: (name: string): Reply =>
    keyVaultError(
      404,
      'KeyNotFound',
      `A key with (name/id) ${name} was not found in this key vault. If you recently deleted this key you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
    ),
  forbiddenByRbac: (denial: RbacDenial): Reply =>
    keyVaultError(
      403,
      'Forbidden',
      [
        'Caller is not authorized to perform action on resource.',
        'If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.',
        `Caller: appid=${denial.clientId};oid=${denial.objectId};iss=${denial.issuer}`,
        `Action: '${denial.dataAction}'`,
        `Resource: '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/key-vault-simulator/providers/microsoft.keyvault/vaults/${denial.vault.toLowerCase()}/keys/${denial.keyName.toLowerCase()}'`,
        'Assignment: (not found)',
        'DenyAssignmentId: null',
        'DecisionReason: null ',
        `Vault: ${denial.vault};location=simulator`,
        '',
      ].join('\r\n'),
      'ForbiddenByRbac',
    ),
  keyDisabled: (operation: OperationName): Reply =>
    keyVaultError(
      403,
      'Forbidden',
      `Operation ${operation} is not allowed on a disabled key.`,
      'KeyDisabled',
    ),
  keyOperationForbidden: (operation: OperationName): Reply =>
    keyVaultError(
      403,
      'Forbidden',
      `Operation ${operation} is not permitted on this key.`,
      'KeyOperationForbidden',
    ),
  keyExpired: (operation: OperationName): Reply =>
    keyVaultError(403, 'Forbidden', `Operation ${operation} is not allowed on an expired key.`, 'KeyExpired'),
  keyNotYetValid: (operation: OperationName): Reply =>
    keyVaultError(
      403,
      'Forbidden',
      `Operation ${operation} is not allowed on a key that is not yet valid.`,
      'KeyNotYetValid',
    ),
  badParameter: (message: string): Reply => keyVaultError(400, 'BadParameter', message),
  throttled: (retryAfterSeconds?: number): Reply => ({
    ...keyVaultError(
      429,
      'Throttled',
      'Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached',
    ),
    ...(retryAfterSeconds !== undefined ? { headers: { 'retry-after': String(retryAfterSeconds) } } : {}),
  }),
  serviceError: (status: number): Reply =>
    keyVaultError(
      status,
      GENERIC_STATUS_CODES[status] ?? 'InternalServerError',
      `Simulated service error ${status}.`,
    ),
  notImplemented: (method: string, path: string): Reply =>
    keyVaultError(501, 'NotImplemented', `The Key Vault simulator does not implement ${method} ${path}.`),
  payloadTooLarge: (): Reply => keyVaultError(413, 'RequestEntityTooLarge', 'The request body is too large.'),
  /**
   * A request whose `Host` is not the vault the connection was opened for (its TLS server name).
   * The message is the one Key Vault users report for a wrong `Host` (Stack Overflow question
   * 66341460, answered with Microsoft's private-link diagnostics); the code is the simulator's.
   */
  hostNotAllowedOnConnection: (host: string): Reply =>
    keyVaultError(403, 'Forbidden', `This TCP connection does not allow access to ${host}.`),
};
