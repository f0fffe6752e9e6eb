import { type Secret } from '@vault-backup/config';
import { SAFE_PERMISSION_KEYS } from '@vault-backup/cyberark';

export { SAFE_PERMISSION_KEYS };

/**
 * Types of the CyberArk simulator's control API (`/_control`, documented in
 * services/cyberark-simulator/README.md). Declared here rather than imported because libs never
 * import services; the simulator's zod schemas are the source of truth.
 */

export type SafePermissionKey = (typeof SAFE_PERMISSION_KEYS)[number];
export type SafePermissionGrants = Partial<Record<SafePermissionKey, boolean>>;

export const FULL_SAFE_PERMISSIONS: SafePermissionGrants = Object.fromEntries(
  SAFE_PERMISSION_KEYS.map((key) => [key, true]),
);

/** What the backup service needs: find, add, update properties and content (reference §4.3). */
export const BACKUP_SAFE_PERMISSIONS: SafePermissionGrants = {
  listAccounts: true,
  addAccounts: true,
  updateAccountProperties: true,
  updateAccountContent: true,
  viewSafeMembers: true,
};

export interface TenantBehaviour {
  duplicateNameStatus: 409 | 400;
  unauthorizedBody: 'error-code' | 'empty';
  searchMatchesName: boolean;
  nextLinkCarriesQuery: boolean;
  accountNameComparison: 'case-insensitive' | 'case-sensitive';
  limitAboveMax: 'reject' | 'clamp';
  tokenFormat: 'opaque' | 'jwt';
  tokenTtlSeconds: number;
  /** PATCH `remove` of a property the account lacks: 400 PASWS164E (default) or a no-op. */
  removeAbsentProperty: 'reject' | 'ignore';
}

export type EndpointFamily = 'token' | 'accounts' | 'safes' | 'platforms' | 'ccp';

export interface ServiceAccountInput {
  clientSecret: Secret<string> | string;
  /** Default true; false makes the token endpoint answer 400 `unauthorized_client`. */
  isOauthConfidentialClient?: boolean;
}

export interface PlatformInput {
  name?: string;
  active?: boolean;
  systemType?: string;
  platformType?: string;
  description?: string;
  /** Property names as the platform defines them, e.g. `Address`, `Username`. Case-sensitive. */
  required?: string[];
  optional?: string[];
  details?: Record<string, string>;
}

export interface PlatformView extends Required<PlatformInput> {
  id: string;
}

export interface MemberInput {
  memberType?: 'User' | 'Group' | 'Role';
  permissions?: SafePermissionGrants;
}

export interface NamedMemberInput extends MemberInput {
  memberName: string;
}

export interface SafeInput {
  description?: string;
  /** When given, replaces the Safe's members. */
  members?: NamedMemberInput[];
}

export interface MemberView {
  memberId: string;
  memberName: string;
  memberType: 'User' | 'Group' | 'Role';
  permissions: Record<SafePermissionKey, boolean>;
}

export interface SafeView {
  safeName: string;
  safeNumber: number;
  description: string;
  accountCount: number;
  members: MemberView[];
}

export interface ClientCertificateRef {
  serialNumber?: string;
  fingerprint256?: string;
}

export interface CcpAppInput {
  allowedSafes: string[];
  /** Empty: any caller may use the AppID. Otherwise the TLS client certificate must be one of these. */
  clientCertificates?: ClientCertificateRef[];
}

export interface CcpAppView {
  appId: string;
  tenantId: string;
  allowedSafes: string[];
  clientCertificates: ClientCertificateRef[];
}

export interface TenantView {
  id: string;
  behaviour: TenantBehaviour;
  serviceAccounts: { clientId: string; isOauthConfidentialClient: boolean }[];
  platforms: PlatformView[];
  safes: SafeView[];
  ccpApps: CcpAppView[];
  accountCount: number;
  latency: LatencyRule[];
  faults: FaultView[];
}

/** An account as stored by the simulator, secret and every property included (test assertions only). */
export interface SimulatorAccount {
  id: string;
  safeName: string;
  name: string;
  address: string;
  userName: string;
  platformId: string;
  secretType: 'password' | 'key';
  secret: Secret<string>;
  platformAccountProperties: Record<string, string>;
  secretManagement: {
    automaticManagementEnabled: boolean;
    manualManagementReason?: string;
    status: string;
    lastModifiedTime: number;
  };
  remoteMachinesAccess?: { remoteMachines?: string; accessRestrictedToRemoteMachines?: boolean };
  createdTime: number;
  categoryModificationTime: number;
}

/** Puts an account straight into a Safe, bypassing the API's rules (platform, permissions, properties). */
export interface SeedAccountInput {
  safeName: string;
  platformId: string;
  name?: string;
  address?: string;
  userName?: string;
  secretType?: 'password' | 'key';
  secret?: Secret<string> | string;
  platformAccountProperties?: Record<string, string>;
  automaticManagementEnabled?: boolean;
  manualManagementReason?: string;
}

interface FaultScope {
  families?: EndpointFamily[];
  methods?: string[];
  /** Fire on the next N matching requests only. */
  count?: number;
  /** Probability 0..1 per matching request. */
  rate?: number;
}

export type FaultSpec = FaultScope &
  (
    | { type: 'http-error'; status?: number; body?: 'json' | 'html' | 'empty' }
    | { type: 'rate-limit'; retryAfterSeconds?: number }
    | { type: 'timeout'; answerAfterMs?: number }
    | { type: 'token-endpoint-down' }
    /** Resets the connection (the client sees ECONNRESET); the request is not processed. */
    | { type: 'connection-reset' }
    | { type: 'throttle'; requestsPerSecond: number; retryAfterSeconds?: number }
    | { type: 'delay-after-write'; delayMs: number }
  );

export interface FaultView {
  id: string;
  spec: FaultSpec;
  hits: number;
  remaining?: number;
}

export interface LatencyRule {
  fixedMs: number;
  jitterMs?: number;
  families?: EndpointFamily[];
}

export interface RequestLogEntry {
  seq: number;
  time: string;
  method: string;
  path: string;
  tenant: string | null;
  family: EndpointFamily | 'control' | 'unknown';
  /** 0 when no answer was sent (a `timeout` or `connection-reset` fault, or the client left first). */
  status: number;
  durationMs: number;
  faults?: FaultSpec['type'][];
}

export interface RequestLogPage {
  entries: RequestLogEntry[];
  /** Pass as `since` to get only newer entries. */
  cursor: number;
}

export type WriteOperation = 'add' | 'patch' | 'password-update' | 'delete';

/** An account write the simulator committed through the Privilege Cloud API, and the account right after it. */
export interface WriteLogEntry {
  seq: number;
  /** Wall-clock time of the commit, ISO 8601 with milliseconds. */
  time: string;
  /** The simulator process's `performance.now()` at the commit: monotonic, for ordering and latency. */
  monotonicMs: number;
  tenant: string;
  operation: WriteOperation;
  safeName: string;
  accountName: string;
  /** The CyberArk account id. */
  accountId: string;
  /** Every stored platform property after the write; for `delete`, as the account stood when deleted. */
  properties: Record<string, string>;
  /** Absent when the account has none. */
  address?: string;
  userName?: string;
  /** SHA-256 (hex) of the secret after the write — never the secret; null when the account has none. */
  secretDigest: string | null;
}

export interface WriteLogPage {
  entries: WriteLogEntry[];
  /** Pass as `since` to get only newer entries. */
  cursor: number;
}

/** Which part of a log to read: entries after `since`, of one tenant, at most `limit` of them. */
export interface LogReadOptions {
  since?: number;
  tenant?: string;
  limit?: number;
}

export interface CcpClientCertificate {
  certPem: string;
  keyPem: Secret<string>;
  serialNumber: string;
  fingerprint256: string;
}

export interface SeedServiceAccount {
  clientId: string;
  clientSecret?: string;
  /** Name of an environment variable of the simulator process holding the secret. */
  clientSecretEnv?: string;
  isOauthConfidentialClient?: boolean;
}

export interface SeedDocument {
  tenants: {
    id: string;
    behaviour?: Partial<TenantBehaviour>;
    serviceAccounts?: SeedServiceAccount[];
    platforms?: (PlatformInput & { id: string })[];
    safes?: (SafeInput & { safeName: string })[];
    accounts?: (Omit<SeedAccountInput, 'secret'> & { secret?: string })[];
    ccpApps?: (CcpAppInput & { appId: string })[];
  }[];
}
