import { SimulatedHttpError } from '../http/http.errors';

/** CCP errors use `ErrorMsg`, not `ErrorMessage` (reference §6.1), with the codes of the §7 table. */
function ccpError(status: number, code: string, message: string): SimulatedHttpError {
  return new SimulatedHttpError(code, { status, body: { ErrorCode: code, ErrorMsg: message } });
}

export const CcpErrors = {
  appIdRequired: (): SimulatedHttpError =>
    ccpError(400, 'AIMWS031E', 'Invalid Request: AppID parameter is required.'),
  invalidQuery: (reason: string): SimulatedHttpError =>
    ccpError(400, 'AIMWS030E', `Invalid query format: ${reason}`),
  appNotDefined: (appId: string): SimulatedHttpError =>
    ccpError(
      403,
      'APPAP008E',
      `Error in verifying application. Reason: ITATS982E User ${appId} is not defined.`,
    ),
  authenticationFailed: (appId: string): SimulatedHttpError =>
    ccpError(
      403,
      'APPAP306E',
      `Failed to verify application authentication data: [${appId}] failed on authentication check.`,
    ),
  notFound: (query: string): SimulatedHttpError =>
    ccpError(
      404,
      'APPAP004E',
      `Password object matching query [${query}] was not found (Diagnostic Info: 5). Please check that there is a password object that answers your query in the Vault and that both the Provider and the application user have the appropriate permissions needed in order to use the password.`,
    ),
  tooManyObjects: (query: string): SimulatedHttpError =>
    ccpError(400, 'APPAP227E', `Too many password objects matching query [${query}] were found.`),
  resourceNotFound: (): SimulatedHttpError =>
    ccpError(404, 'AIMWS001E', 'The requested resource was not found.'),
  methodNotAllowed: (): SimulatedHttpError => ccpError(405, 'AIMWS002E', 'Only GET is supported.'),
};
