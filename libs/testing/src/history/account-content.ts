import { type AccountEventData } from '@vault-backup/event-contract';

/**
 * The full state of one account at one version, as the emitting service would send it. Every
 * version has its own content, so a write found in CyberArk maps back to exactly one version:
 * label `v<N>`, password `pw:<accountId>:v<N>`, a URL that changes every version, and properties
 * that come and go (phone only on v1, e-mail on odd versions, original phone every third, TOTP on
 * even versions, backup codes every fourth) so that removals are exercised.
 */
export function accountContent(workspaceId: string, accountId: string, version: number): AccountEventData {
  const odd = version % 2 === 1;
  return {
    workspaceId,
    accountId,
    version,
    provider: 'workload',
    label: `v${version}`,
    username: `user-${accountId}`,
    url: `https://${accountId}.example.com/login/v${version}`,
    ...(version === 1 ? { phone: '+15550100001' } : {}),
    ...(odd
      ? {
          email: `${accountId}.v${version}@example.com`,
          originalEmail: `${accountId.toUpperCase()}.V${version}@Example.COM`,
        }
      : {}),
    ...(version % 3 === 0 ? { originalPhone: `+1 (555) 01-${version}` } : {}),
    secrets: {
      password: passwordOf(accountId, version),
      ...(odd ? {} : { totpSecret: `TOTP${version}X${accountId}` }),
      ...(version % 4 === 0
        ? { backupCodes: [`${accountId}-${version}-a`, `${accountId}-${version}-b`] }
        : {}),
    },
  };
}

export function passwordOf(accountId: string, version: number): string {
  return `pw:${accountId}:v${version}`;
}

/** The platform properties the backup of `accountContent(...)` must hold: the ten properties, set ones only. */
export function expectedPlatformProperties(
  workspaceId: string,
  accountId: string,
  version: number,
): Record<string, string> {
  const data = accountContent(workspaceId, accountId, version);
  const properties: Record<string, string> = {
    accountId: data.accountId,
    provider: data.provider,
    label: data.label,
  };
  const optional: Record<string, string | null | undefined> = {
    url: data.url,
    phone: data.phone,
    email: data.email,
    originalPhone: data.originalPhone,
    originalEmail: data.originalEmail,
    totpSecret: data.secrets?.totpSecret,
    backupCodes: data.secrets?.backupCodes ? JSON.stringify(data.secrets.backupCodes) : undefined,
  };
  for (const [name, value] of Object.entries(optional)) if (value) properties[name] = value;
  return properties;
}
