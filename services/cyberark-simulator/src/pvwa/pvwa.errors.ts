import { SimulatedHttpError } from '../http/http.errors';

/**
 * Every Privilege Cloud error the simulator answers, in the PVWA body shape
 * `{ErrorCode, ErrorMessage, Details?}` (reference §6.1). Codes marked "simulator choice" in the
 * README are not confirmed by the reference; a client should key on the HTTP status first.
 */

interface ErrorDetail {
  ParameterName: string;
  ErrorCode: string;
  ErrorMessage: string;
}

function pvwaError(
  status: number,
  code: string,
  message: string,
  details?: ErrorDetail[],
): SimulatedHttpError {
  const body = details
    ? { Details: details, ErrorCode: code, ErrorMessage: message }
    : { ErrorCode: code, ErrorMessage: message };
  return new SimulatedHttpError(code, { status, body });
}

/** 400 PASWS167E with one detail — the wrapper Privilege Cloud uses for bad input (§6.3). */
export function invalidParameter(
  parameterName: string,
  detailCode: string,
  detailMessage: string,
): SimulatedHttpError {
  return pvwaError(400, 'PASWS167E', 'There are some invalid parameters', [
    { ParameterName: parameterName, ErrorCode: detailCode, ErrorMessage: detailMessage },
  ]);
}

export const PvwaErrors = {
  unauthorized: (withBody: boolean): SimulatedHttpError =>
    withBody
      ? pvwaError(401, 'PASWS006E', 'The session token is missing, invalid or expired.')
      : new SimulatedHttpError('PASWS006E', { status: 401 }),

  forbidden: (): SimulatedHttpError =>
    pvwaError(403, 'PASWS041E', 'You are not authorized to perform this action.'),

  safeNotFoundForAdd: (safeName: string): SimulatedHttpError =>
    invalidParameter('safeName', 'PASWS031E', `Safe [${safeName}] was not found`),

  missingParameter: (parameterName: string): SimulatedHttpError =>
    invalidParameter(parameterName, 'PASWS167E', `Parameter [${parameterName}] is required.`),

  invalidValue: (parameterName: string, value: string): SimulatedHttpError =>
    invalidParameter(parameterName, 'PASWS167E', `The value '${value}' is not valid for ${parameterName}.`),

  invalidBody: (reason: string): SimulatedHttpError =>
    pvwaError(400, 'PASWS168E', `The request body is invalid: ${reason}`),

  duplicateName: (status: 400 | 409, name: string, safeName: string): SimulatedHttpError =>
    pvwaError(status, 'PASWS027E', `Object with name [${name}] already exists in Safe [${safeName}].`),

  platformNotFound: (platformId: string): SimulatedHttpError =>
    invalidParameter('platformId', 'PASWS167E', `Platform [${platformId}] was not found.`),

  platformInactive: (platformId: string): SimulatedHttpError =>
    invalidParameter('platformId', 'PASWS167E', `Platform [${platformId}] is not active.`),

  unknownPlatformProperty: (property: string, platformId: string): SimulatedHttpError =>
    invalidParameter(
      `platformAccountProperties.${property}`,
      'PASWS167E',
      `Property [${property}] is not defined for platform [${platformId}].`,
    ),

  missingMandatoryProperty: (platformId: string, property: string): SimulatedHttpError =>
    pvwaError(
      400,
      'CAWS00001E',
      `Cannot add account; reason: Missing mandatory parameter in Platform ${platformId}. (parameter: ${property})`,
    ),

  propertyNotOnAccount: (path: string): SimulatedHttpError =>
    pvwaError(400, 'PASWS164E', `The property at path [${path}] does not exist on the account.`),

  propertyNotUpdatable: (property: string): SimulatedHttpError =>
    pvwaError(400, 'PASWS167E', `Property '${property}' cannot be updated`),

  accountNotFound: (accountId: string): SimulatedHttpError =>
    pvwaError(404, 'PASWS204E', `Account [${accountId}] was not found.`),

  safeNotFound: (safeName: string): SimulatedHttpError =>
    pvwaError(404, 'SFWS0007', `Safe [${safeName}] was not found.`),

  memberNotFound: (memberName: string, safeName: string): SimulatedHttpError =>
    pvwaError(404, 'SFWS0015', `Member [${memberName}] is not a member of Safe [${safeName}].`),

  platformDetailsNotFound: (platformId: string): SimulatedHttpError =>
    pvwaError(404, 'PASWS205E', `Platform [${platformId}] was not found.`),

  resourceNotFound: (): SimulatedHttpError =>
    pvwaError(404, 'PASWS026E', 'The requested resource does not exist.'),

  methodNotAllowed: (): SimulatedHttpError =>
    pvwaError(405, 'PASWS030E', 'The requested method is not allowed for this resource.'),

  payloadTooLarge: (): SimulatedHttpError => pvwaError(413, 'PASWS413E', 'The request body is too large.'),
};
