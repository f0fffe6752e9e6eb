import { type Secret } from '@vault-backup/config';

/** How to reach one Privilege Cloud tenant as one ISPSS service user. */
export interface TenantConnection {
  /** e.g. `https://abc123.id.cyberark.cloud`; the token comes from `{identityUrl}/oauth2/platformtoken`. */
  readonly identityUrl: string;
  /** e.g. `https://xyz.privilegecloud.cyberark.cloud`; the API lives under `{privilegeCloudUrl}/PasswordVault/API/`. */
  readonly privilegeCloudUrl: string;
  /** Service-user login name, e.g. `svc@cyberark.cloud.1312`. Not a secret. */
  readonly clientId: string;
  readonly clientSecret: Secret;
}

export type SecretType = 'password' | 'key';

/** A platform account property value as sent; `Secret` keeps a sensitive one out of logs and errors. */
export type PropertyValue = string | Secret;

export interface SecretManagement {
  readonly automaticManagementEnabled?: boolean;
  readonly manualManagementReason?: string;
  readonly status?: string;
  readonly lastModifiedTime?: number;
  readonly lastReconciledTime?: number;
  readonly lastVerifiedTime?: number;
}

export interface RemoteMachinesAccess {
  readonly remoteMachines?: string;
  readonly accessRestrictedToRemoteMachines?: boolean;
}

/** An account as CyberArk returns it. There is deliberately no secret field: the API never returns one. */
export interface CyberArkAccount {
  readonly id: string;
  readonly name: string;
  readonly safeName: string;
  readonly platformId: string;
  readonly address?: string;
  readonly userName?: string;
  readonly secretType?: string;
  readonly platformAccountProperties: Readonly<Record<string, string>>;
  readonly secretManagement?: SecretManagement;
  readonly remoteMachinesAccess?: RemoteMachinesAccess;
  /** Unix seconds. */
  readonly createdTime?: number;
  readonly categoryModificationTime?: number;
}

/**
 * What `addAccount` sends. `name` is required: it is the only key CyberArk keeps unique in a Safe,
 * and the idempotent create looks the account up by it.
 */
export interface NewCyberArkAccount {
  readonly name: string;
  readonly safeName: string;
  readonly platformId: string;
  readonly address?: string;
  readonly userName?: string;
  /** Defaults to `password`. */
  readonly secretType?: SecretType;
  /** Absent for a metadata-only account: CyberArk creates it without a secret value. */
  readonly secret?: Secret;
  /** A value may be a `Secret` (e.g. a TOTP seed kept as a property); it is revealed only into the request body. */
  readonly platformAccountProperties?: Readonly<Record<string, PropertyValue>>;
  readonly secretManagement?: {
    readonly automaticManagementEnabled: boolean;
    readonly manualManagementReason?: string;
  };
  readonly remoteMachinesAccess?: RemoteMachinesAccess;
}

export interface AddAccountResult {
  readonly account: CyberArkAccount;
  /** False when the account turned out to exist already (duplicate name, or an earlier attempt that did land). */
  readonly created: boolean;
}

/** The PATCH paths this client sends; anything else is refused before it leaves the process. */
export type AccountPatchPath =
  | '/name'
  | '/address'
  | '/userName'
  | '/platformId'
  | `/platformAccountProperties/${string}`
  | '/secretManagement/automaticManagementEnabled'
  | '/secretManagement/manualManagementReason'
  | '/remoteMachinesAccess/remoteMachines'
  | '/remoteMachinesAccess/accessRestrictedToRemoteMachines';

export type JsonPatchValue = string | boolean | Secret;

export type JsonPatchOp =
  | { readonly op: 'add' | 'replace'; readonly path: AccountPatchPath; readonly value: JsonPatchValue }
  | { readonly op: 'remove'; readonly path: AccountPatchPath };

export interface SafeDetails {
  readonly safeUrlId: string;
  readonly safeName: string;
  readonly safeNumber?: number;
  readonly description?: string;
  readonly location?: string;
  readonly managingCPM?: string;
  readonly olacEnabled?: boolean;
  readonly numberOfVersionsRetention?: number;
  readonly numberOfDaysRetention?: number;
  readonly autoPurgeEnabled?: boolean;
  readonly creationTime?: number;
  readonly lastModificationTime?: number;
}

export const SAFE_PERMISSION_KEYS = [
  'useAccounts',
  'retrieveAccounts',
  'listAccounts',
  'addAccounts',
  'updateAccountContent',
  'updateAccountProperties',
  'initiateCPMAccountManagementOperations',
  'specifyNextAccountContent',
  'renameAccounts',
  'deleteAccounts',
  'unlockAccounts',
  'manageSafe',
  'manageSafeMembers',
  'backupSafe',
  'viewAuditLog',
  'viewSafeMembers',
  'accessWithoutConfirmation',
  'createFolders',
  'deleteFolders',
  'moveAccountsAndFolders',
  'requestsAuthorizationLevel1',
  'requestsAuthorizationLevel2',
] as const;

export type SafePermissionKey = (typeof SAFE_PERMISSION_KEYS)[number];

/** Every documented permission; a key CyberArk did not send reads as false. */
export type SafePermissions = Readonly<Record<SafePermissionKey, boolean>>;

export interface SafeMember {
  readonly safeName: string;
  readonly memberName: string;
  readonly memberId?: string;
  /** `User`, `Group` or `Role` as CyberArk spells it. */
  readonly memberType?: string;
  readonly isExpiredMembershipEnable?: boolean;
  readonly isPredefinedUser?: boolean;
  readonly isReadOnly?: boolean;
  readonly membershipExpirationDate?: number | null;
  readonly permissions: SafePermissions;
}

export interface PlatformDefinition {
  /** `general.id`: the value accounts carry as `platformId`. */
  readonly id: string;
  readonly name: string;
  readonly active: boolean;
  readonly systemType?: string;
  readonly platformType?: string;
  readonly requiredProperties: readonly string[];
  readonly optionalProperties: readonly string[];
}

/** `GET /Platforms/{id}/`: the policy INI values, shape as CyberArk sends them. */
export interface PlatformDetails {
  readonly platformId: string;
  readonly active: boolean;
  readonly details: Readonly<Record<string, unknown>>;
}
