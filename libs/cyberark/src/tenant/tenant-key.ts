import { type TenantConnection } from '../cyberark.types';

/**
 * The identity of a tenant client: which Identity tenant, which Privilege Cloud, which service user.
 * Two connections with the same key share one token cache and one circuit breaker. Contains no secret.
 */
export function tenantKeyOf(
  connection: Pick<TenantConnection, 'identityUrl' | 'privilegeCloudUrl' | 'clientId'>,
): string {
  return [
    normalise(connection.identityUrl),
    normalise(connection.privilegeCloudUrl),
    connection.clientId.trim(),
  ].join('|');
}

function normalise(url: string): string {
  try {
    const parsed = new URL(url.trim());
    return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`.toLowerCase();
  } catch {
    return url.trim().replace(/\/+$/, '').toLowerCase();
  }
}
