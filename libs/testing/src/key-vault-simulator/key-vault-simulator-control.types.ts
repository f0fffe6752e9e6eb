import { type Secret } from '@vault-backup/config';

/**
 * Types of the Key Vault simulator's control API (`/_control`, documented in
 * services/key-vault-simulator/README.md). Declared here rather than imported because libs never
 * import services; the simulator's zod schemas are the source of truth.
 */

export const KEY_VAULT_ROLES = [
  'Key Vault Administrator',
  'Key Vault Crypto Officer',
  'Key Vault Crypto User',
  'Key Vault Crypto Service Encryption User',
  'Key Vault Reader',
] as const;
export type KeyVaultRole = (typeof KEY_VAULT_ROLES)[number];

export type KeyVaultKeyType = 'RSA' | 'RSA-HSM' | 'EC' | 'EC-HSM';
export type KeyVaultCurve = 'P-256' | 'P-384' | 'P-521' | 'P-256K';
export type KeyVaultKeyOperation =
  'encrypt' | 'decrypt' | 'sign' | 'verify' | 'wrapKey' | 'unwrapKey' | 'import' | 'export';

/** Unix seconds, an ISO-8601 date-time, or a Date (sent as ISO). */
export type Instant = number | string | Date;

export interface SimulatedApp {
  tenantId: string;
  clientId: string;
  /** Object id of the app's service principal: the `oid` of its tokens. */
  objectId: string;
}

export interface VaultThrottleLimits {
  rsa2048Software: number;
  rsa2048Hsm: number;
  rsa3072Software: number;
  rsa3072Hsm: number;
  rsa4096Software: number;
  rsa4096Hsm: number;
  ecSoftware: number;
  ecHsm: number;
}

export interface VaultThrottleInput {
  enabled?: boolean;
  windowMs?: number;
  /** Calls per window per key kind (documented defaults: see README). */
  limits?: Partial<VaultThrottleLimits>;
}

export interface VaultThrottleView {
  enabled: boolean;
  windowMs: number;
  limits: VaultThrottleLimits;
  /** Share of the current window in use, 0..1. */
  usage: number;
}

/** Decides a vault's host suffix and its tokens' audience. */
export type KeyVaultCloud = 'public' | 'china' | 'us-government';

export interface CreateVaultInput {
  /** 3-24 letters, digits and hyphens, starting with a letter. */
  name: string;
  tenantId: string;
  /**
   * Default `public`: `<name>.vault.azure.net`; `china`: `.vault.azure.cn`; `us-government`:
   * `.vault.usgovcloudapi.net`.
   */
  cloud?: KeyVaultCloud;
  /** The vault's own loopback listener (`directUrl`); 0 (default) picks a free port. */
  port?: number;
  throttle?: VaultThrottleInput;
}

/** The two ways to one vault. */
export interface SimulatedVaultAddress {
  name: string;
  /**
   * `https://<name>.vault.azure.net` (lower case, no port), as Azure reports it: reached through the
   * front door with `keyVaultFrontDoorAgent` / `keyVaultFrontDoorSdkOptions`, no
   * `disableChallengeResourceVerification`.
   */
  vaultUrl: string;
  /** `https://127.0.0.1:<port>`: the vault's own listener (`keyVaultSimulatorSdkOptions`). */
  directUrl: string;
}

export interface SimulatedVault extends SimulatedVaultAddress {
  tenantId: string;
  cloud: KeyVaultCloud;
  /** Port of `directUrl`. */
  port: number;
  keys: { name: string; currentVersion: string | null; versionCount: number }[];
  roleAssignments: { clientId: string; roles: KeyVaultRole[] }[];
  throttle: VaultThrottleView;
  faults: KeyVaultFaultView[];
}

export interface CreateKeyInput {
  name: string;
  /** Default `RSA`. */
  kty?: KeyVaultKeyType;
  /** RSA only; default 2048. */
  size?: 2048 | 3072 | 4096;
  /** EC only; default P-256. */
  curve?: KeyVaultCurve;
  /** Default: all six RSA operations, or sign/verify for EC (what Key Vault gives). */
  keyOps?: KeyVaultKeyOperation[];
  enabled?: boolean;
  nbf?: Instant;
  exp?: Instant;
  /** Import this private key (PEM) instead of generating one; kty then only picks software or HSM. */
  privateKeyPem?: Secret<string> | string;
}

export interface UpdateKeyInput {
  enabled?: boolean;
  /** `null` clears. */
  nbf?: Instant | null;
  exp?: Instant | null;
  keyOps?: KeyVaultKeyOperation[];
}

export interface SimulatedKeyVersion {
  name: string;
  /** 32 lowercase hex characters. */
  version: string;
  /**
   * `https://<vault>.vault.azure.net/keys/<name>/<version>`: Azure's form, what the front door
   * serves and what an emitter puts in an event (it passes the event contract's `kid` pattern).
   */
  kid: string;
  /** `https://127.0.0.1:<port>/keys/<name>/<version>`: the same version on the vault's own listener. */
  directKid: string;
  kty: KeyVaultKeyType;
  size?: number;
  curve?: KeyVaultCurve;
  keyOps: KeyVaultKeyOperation[];
  /** Unix seconds. */
  attributes: { enabled: boolean; nbf?: number; exp?: number; created: number; updated: number };
  /** The public JWK exactly as the KeyBundle carries it through the front door (`kid` in Azure's form). */
  jwk: {
    kid: string;
    kty: KeyVaultKeyType;
    key_ops: KeyVaultKeyOperation[];
    n?: string;
    e?: string;
    crv?: string;
    x?: string;
    y?: string;
  };
  publicKeyPem: string;
}

export interface SimulatedKey {
  name: string;
  currentVersion: string | null;
  versions: SimulatedKeyVersion[];
}

export type EntraFaultOperation = 'token' | 'discovery';
export type VaultFaultOperation = 'getKey' | 'wrapKey' | 'unwrapKey' | 'encrypt' | 'decrypt';

export type KeyVaultFaultSpec<O extends string = EntraFaultOperation | VaultFaultOperation> = {
  /** Default `all`. */
  operation?: O | 'all';
  /** Next N matching calls; without it, until cleared. */
  count?: number;
} & (
  | /** 429; without `retryAfterSeconds` there is no Retry-After header (like real captured 429s). */
    { type: 'throttle'; retryAfterSeconds?: number }
  | { type: 'error'; status?: number }
  | { type: 'hang' }
  | { type: 'reset' }
  | { type: 'delay'; delayMs: number }
);

export interface KeyVaultFaultView {
  id: string;
  spec: KeyVaultFaultSpec & { operation: string };
  hits: number;
  remaining?: number;
}

export interface KeyVaultSimulatorSwitches {
  /** Default false: a disabled key refuses wrap too. true: wrap/encrypt still work (python SDK #45342). */
  disabledKeyAllowsPublicOps: boolean;
  /** Default true: no api-version → 400 BadParameter. */
  requireApiVersion: boolean;
  /** Default true: the built-in throttle's 429 carries Retry-After. false: none, like captured real 429s. */
  throttleRetryAfter: boolean;
  /** Default 3599. */
  tokenLifetimeSeconds: number;
}

export interface KeyVaultCounters {
  entra: { token: number; discovery: number; throttled: number; unknown: number };
  /**
   * Refused by the front door before any vault saw it: `unknownHost` (a TLS server name or `Host`
   * naming no existing vault; the connection is dropped), `misdirected` (a `Host` other than the
   * vault the connection was opened for; 403).
   */
  frontDoor: { unknownHost: number; misdirected: number };
  vaults: Record<
    string,
    {
      challenge: number;
      getKey: number;
      wrapKey: number;
      unwrapKey: number;
      encrypt: number;
      decrypt: number;
      throttled: number;
      unknown: number;
    }
  >;
}

export interface KeyVaultRequestLogEntry {
  seq: number;
  time: string;
  listener: 'entra' | 'vault';
  vault: string | null;
  /** Vault requests only: through the front door or the vault's own loopback listener. */
  via?: 'front-door' | 'direct';
  operation: string;
  method: string;
  path: string;
  /** 0 when never answered (hang, reset, client gone). */
  status: number;
  clientId: string | null;
  fault?: KeyVaultFaultSpec['type'];
  durationMs: number;
}

export interface KeyVaultRequestLogPage {
  entries: KeyVaultRequestLogEntry[];
  cursor: number;
}

export interface KeyVaultRequestLogQuery {
  since?: number;
  /** A vault name, or `entra`. */
  target?: string;
  limit?: number;
}

export interface KeyVaultSeedDocument {
  switches?: Partial<KeyVaultSimulatorSwitches>;
  tenants?: {
    tenantId: string;
    /** Give `clientSecret`, or `clientSecretEnv` naming a variable of the simulator's environment. */
    apps?: { clientId: string; clientSecret?: string; clientSecretEnv?: string }[];
  }[];
  vaults?: (CreateVaultInput & {
    keys?: (Omit<CreateKeyInput, 'privateKeyPem' | 'nbf' | 'exp'> & {
      privateKeyPem?: string;
      nbf?: number | string;
      exp?: number | string;
    })[];
    roleAssignments?: { clientId: string; role: KeyVaultRole }[];
  })[];
}

export interface KeyVaultSimulatorStateView {
  authorityHost: string;
  frontDoor: { host: string; port: number };
  tenants: { tenantId: string; apps: { clientId: string; objectId: string }[] }[];
  vaults: SimulatedVault[];
  switches: KeyVaultSimulatorSwitches;
  clock: { offsetMs: number; now: number };
}
