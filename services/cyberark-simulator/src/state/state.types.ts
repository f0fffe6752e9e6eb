import { type SafePermissions } from './permissions';

/**
 * Per-tenant switches for behaviour the reference marks UNCONFIRMED (Appendix A), so tests can
 * prove a client copes with either answer.
 */
export interface TenantBehaviour {
  /** HTTP status of PASWS027E (duplicate account name in a Safe). */
  duplicateNameStatus: 409 | 400;
  /** Body of a 401 from Privilege Cloud: `{ErrorCode:"PASWS006E",...}` or nothing. */
  unauthorizedBody: 'error-code' | 'empty';
  /** Whether `GET /Accounts?search=` also matches the account `name`. */
  searchMatchesName: boolean;
  /** Whether `nextLink` carries `filter`, `search`, `searchType` and `sort`. */
  nextLinkCarriesQuery: boolean;
  /** How account names are compared for uniqueness in a Safe. */
  accountNameComparison: 'case-insensitive' | 'case-sensitive';
  /** What `limit` above 1000 does: 400 PASWS167E, or silently capped to 1000. */
  limitAboveMax: 'reject' | 'clamp';
  /** Shape of the access token: an opaque random string or an HS256 JWT with `exp`. */
  tokenFormat: 'opaque' | 'jwt';
  /** `expires_in` of issued tokens, in seconds. */
  tokenTtlSeconds: number;
  /**
   * PATCH `remove` of a platform property the account lacks: 400 PASWS164E as RFC 6902 §4.2
   * requires (CyberArk documents nothing for this case), or silently ignored.
   */
  removeAbsentProperty: 'reject' | 'ignore';
}

export const DEFAULT_BEHAVIOUR: TenantBehaviour = {
  duplicateNameStatus: 409,
  unauthorizedBody: 'error-code',
  searchMatchesName: false,
  nextLinkCarriesQuery: true,
  accountNameComparison: 'case-insensitive',
  limitAboveMax: 'reject',
  tokenFormat: 'opaque',
  tokenTtlSeconds: 3600,
  removeAbsentProperty: 'reject',
};

export interface ServiceAccount {
  clientId: string;
  /** SHA-256 of the client secret: the simulator never needs the plaintext back. */
  secretHash: Buffer;
  isOauthConfidentialClient: boolean;
}

export interface StoredPlatform {
  id: string;
  name: string;
  active: boolean;
  systemType: string;
  platformType: string;
  description: string;
  required: string[];
  optional: string[];
  details: Record<string, string>;
}

export type MemberType = 'User' | 'Group' | 'Role';

export interface StoredMember {
  memberId: string;
  memberName: string;
  memberType: MemberType;
  permissions: SafePermissions;
}

export interface StoredSecretManagement {
  automaticManagementEnabled: boolean;
  manualManagementReason?: string;
  status: string;
  lastModifiedTime: number;
}

export interface StoredRemoteMachinesAccess {
  remoteMachines?: string;
  accessRestrictedToRemoteMachines?: boolean;
}

export interface StoredAccount {
  id: string;
  name: string;
  address: string;
  userName: string;
  platformId: string;
  safeName: string;
  secretType: 'password' | 'key';
  secret: string;
  /** Everything ever set, including keys the platform no longer defines; the mapper filters on read. */
  platformAccountProperties: Record<string, string>;
  secretManagement: StoredSecretManagement;
  remoteMachinesAccess?: StoredRemoteMachinesAccess;
  createdTime: number;
  categoryModificationTime: number;
}

export interface StoredSafe {
  safeName: string;
  safeNumber: number;
  description: string;
  creationTime: number;
  lastModificationTimeMicros: number;
  members: Map<string, StoredMember>;
  /** Insertion-ordered, so listing pages are stable. */
  accounts: Map<string, StoredAccount>;
  /** lower-cased name → account ids, serving both name-comparison switches. */
  idsByLowerName: Map<string, Set<string>>;
  nextObjectNumber: number;
}

export interface ClientCertificateRef {
  serialNumber?: string;
  fingerprint256?: string;
}

export interface CcpApp {
  appId: string;
  tenantId: string;
  allowedSafes: Set<string>;
  clientCertificates: ClientCertificateRef[];
}
