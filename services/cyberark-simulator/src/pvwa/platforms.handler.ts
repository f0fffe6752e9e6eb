import { queryValue } from '../http/request-path';
import { type Reply } from '../http/http.types';
import { type StoredPlatform } from '../state/state.types';
import { type PvwaContext } from './pvwa.context';
import { PvwaErrors } from './pvwa.errors';

const named = (name: string) => ({ name, displayName: name });

/** The Gen2 list shape `{Platforms:[{general, properties:{required, optional}, ...}]}` (reference §5.1). */
function toApiPlatform(platform: StoredPlatform) {
  return {
    general: {
      id: platform.id,
      name: platform.name,
      systemType: platform.systemType,
      active: platform.active,
      description: platform.description,
      platformBaseID: platform.id,
      platformType: platform.platformType,
    },
    properties: { required: platform.required.map(named), optional: platform.optional.map(named) },
    linkedAccounts: [],
    credentialsManagement: { allowedSafes: '.*', allowManualChange: true, performPeriodicChange: false },
    sessionManagement: {
      requirePrivilegedSessionMonitoringAndIsolation: false,
      recordAndSaveSessionActivity: false,
    },
    privilegedAccessWorkflows: {
      requireDualControlPasswordAccessApproval: false,
      enforceCheckinCheckoutExclusiveAccess: false,
    },
  };
}

export function listPlatforms(context: PvwaContext): Reply {
  const search = (
    queryValue(context.query, 'Search') ??
    queryValue(context.query, 'PlatformName') ??
    ''
  ).toLowerCase();
  const active = queryValue(context.query, 'Active')?.toLowerCase();
  const platformType = queryValue(context.query, 'PlatformType')?.toLowerCase();
  const platforms = context.tenant
    .listPlatforms()
    .filter(
      (platform) =>
        platform.id.toLowerCase().includes(search) || platform.name.toLowerCase().includes(search),
    )
    .filter((platform) => active === undefined || String(platform.active) === active)
    .filter((platform) => platformType === undefined || platform.platformType.toLowerCase() === platformType);
  return { status: 200, body: { Platforms: platforms.map(toApiPlatform), Total: platforms.length } };
}

/** The Privilege Cloud details shape `{PlatformID, Active, Details}` (reference §5.2). */
export function getPlatform(context: PvwaContext, [platformId = '']: readonly string[]): Reply {
  const platform = context.tenant.getPlatform(platformId);
  if (!platform) throw PvwaErrors.platformDetailsNotFound(platformId);
  const details = {
    PolicyID: platform.id,
    PolicyName: platform.name,
    PolicyType: platform.platformType,
    SearchForUsages: 'Yes',
    AllowedSafes: '.*',
    PasswordLength: '12',
    ...platform.details,
  };
  return { status: 200, body: { PlatformID: platform.id, Active: platform.active, Details: details } };
}
