import { isUrlNotAllowedError, type TenantUrlPolicy } from '@vault-backup/url-policy';
import { type FieldProblem, RequestValidationError } from '../http/admin.errors';

export interface TenantUrls {
  readonly identityUrl: string;
  readonly privilegeCloudUrl: string;
}

const IDENTITY_HOST = /\.id\./;
const PRIVILEGE_CLOUD_HOST = /\.privilegecloud\./;

/**
 * Validates both tenant URLs against the policy (400 naming each field and rule) and returns their
 * canonical forms. The seed's labels ("base URL" vs "auth URL") are easy to swap: when the hosts
 * make both roles obvious and they were given the wrong way round, they are swapped and a notice
 * says so. Anything less obvious is taken as given.
 */
export function resolveTenantUrls(
  policy: TenantUrlPolicy,
  input: { identityTenantUrl: string; privilegeCloudUrl: string },
): { urls: TenantUrls; notices: string[] } {
  const problems: FieldProblem[] = [];
  const identity = normalizeField(policy, 'identityTenantUrl', input.identityTenantUrl, problems);
  const privilegeCloud = normalizeField(policy, 'privilegeCloudUrl', input.privilegeCloudUrl, problems);
  if (identity === undefined || privilegeCloud === undefined) throw new RequestValidationError(problems);
  if (identity === privilegeCloud) {
    throw new RequestValidationError([
      {
        field: 'privilegeCloudUrl',
        message: 'must differ from identityTenantUrl (one is the Identity tenant, the other Privilege Cloud)',
      },
    ]);
  }
  if (looksLike(identity, PRIVILEGE_CLOUD_HOST) && looksLike(privilegeCloud, IDENTITY_HOST)) {
    return {
      urls: { identityUrl: privilegeCloud, privilegeCloudUrl: identity },
      notices: [
        'identityTenantUrl and privilegeCloudUrl were given the wrong way round (the *.id.* host is the Identity tenant); they were swapped.',
      ],
    };
  }
  return { urls: { identityUrl: identity, privilegeCloudUrl: privilegeCloud }, notices: [] };
}

function normalizeField(
  policy: TenantUrlPolicy,
  field: string,
  value: string,
  problems: FieldProblem[],
): string | undefined {
  try {
    return policy.normalize(value);
  } catch (error) {
    if (!isUrlNotAllowedError(error)) throw error;
    problems.push({ field, message: error.message, reason: error.reason });
    return undefined;
  }
}

function looksLike(url: string, host: RegExp): boolean {
  return host.test(new URL(url).hostname);
}
