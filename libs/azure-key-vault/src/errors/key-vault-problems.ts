/**
 * What a failure means for a backup, in the terms the service decides on. Stable: a metric label,
 * a failure record and a dead-letter header.
 * - `key-vault-unavailable`: transient (throttled, 5xx, network, timeout); wait like an outage.
 * - `key-access-revoked`: the customer took our access away (credentials, role, key disabled or
 *   expired). Retriable on purpose: backups park under the workspace's retry budget until it is given back.
 * - `secret-decryption-failed`: permanent (unknown key or version, untrusted kid, tampered wrapped key,
 *   wrong key type or size); no retry can help.
 */
export const KEY_VAULT_ERROR_CLASSES = [
  'key-vault-unavailable',
  'key-access-revoked',
  'secret-decryption-failed',
] as const;

export type KeyVaultErrorClass = (typeof KEY_VAULT_ERROR_CLASSES)[number];

/** Transient: wait like an outage (`key-vault-unavailable`). */
const TRANSIENT_PROBLEMS = [
  'throttled',
  'service-unavailable',
  'vault-unreachable',
  'timeout',
  'tls-failed',
  'identity-unavailable',
  'credential-unavailable',
] as const;

/** The customer took our access away (`key-access-revoked`). */
const REVOKED_PROBLEMS = [
  'authentication-failed',
  'tenant-mismatch',
  'forbidden',
  'network-access-denied',
  'key-disabled',
  'key-expired',
  'key-not-yet-valid',
  'operation-not-permitted',
] as const;

/** Permanent (`secret-decryption-failed`). */
const PERMANENT_PROBLEMS = [
  'url-not-allowed',
  'challenge-mismatch',
  'kid-not-trusted',
  'algorithm-not-supported',
  'key-not-found',
  'key-not-rsa',
  'key-size',
  'unwrap-refused',
  'round-trip-mismatch',
  'invalid-request',
  'configuration-invalid',
  'unexpected-failure',
] as const;

/** Every precise problem the adapter reports; stable slugs, used in validation reports too. */
export const KEY_VAULT_PROBLEMS = [
  ...TRANSIENT_PROBLEMS,
  ...REVOKED_PROBLEMS,
  ...PERMANENT_PROBLEMS,
] as const;

export type KeyVaultProblem = (typeof KEY_VAULT_PROBLEMS)[number];

export interface KeyVaultProblemDefinition {
  readonly errorClass: KeyVaultErrorClass;
  /** Stable `code` of the `AppError`. */
  readonly code: string;
  /** What an admin (or, where it says so, an operator) does about it. */
  readonly fix: string;
}

const ROLE_FIX =
  'assign the service principal the role Key Vault Crypto Service Encryption User on the vault (the smallest built-in role that can get, wrap and unwrap keys; Key Vault Crypto User also works)';

const FIXES: Readonly<Record<KeyVaultProblem, string>> = {
  throttled:
    'Key Vault is throttling requests; they are retried later. If it persists, reduce other load on the vault (limits are per vault and 10 seconds).',
  'service-unavailable':
    'Azure Key Vault answered with a server error; the request is retried later. Check Azure status if it persists.',
  'vault-unreachable':
    'Check that the vault name is right and the vault exists (a deleted vault no longer resolves); network errors are retried later.',
  timeout: 'Key Vault or Entra ID did not answer in time; the request is retried later.',
  'tls-failed':
    "The vault's TLS certificate could not be verified; check for a TLS-intercepting proxy between the service and Azure.",
  'identity-unavailable':
    'Entra ID could not issue a token right now (unreachable, server error or throttled); retried later.',
  'credential-unavailable':
    "Operator: the service's own Azure credential is not usable; for workload identity check the client id, tenant id and federated token file of the pod.",
  'authentication-failed':
    'Check the Directory (tenant) ID, the Application (client) ID and the client secret; if the secret expired or was deleted, create a new one under App registrations > Certificates & secrets and enter it here.',
  'tenant-mismatch':
    "The vault belongs to another Entra tenant than the service principal: enter the Directory (tenant) ID of the vault's tenant and a service principal of that tenant.",
  forbidden: `The service principal has no permission on this key: ${ROLE_FIX}.`,
  'network-access-denied':
    "The vault's firewall refuses this service: under the vault's Networking, allow public access from the service's egress addresses.",
  'key-disabled':
    'Enable the current version of the key (Keys > the key > current version > Enabled), or make an enabled version current.',
  'key-expired':
    'The current key version is past its expiration date: set a later expiration date or rotate the key to a new version.',
  'key-not-yet-valid':
    'The current key version has an activation date in the future: remove it or move it back.',
  'operation-not-permitted':
    'Allow the Wrap Key and Unwrap Key operations on the key (Keys > the key > version > Permitted operations).',
  'url-not-allowed':
    "Enter the Vault URI shown on the vault's Overview page (https://<name>.vault.azure.net, or a sovereign-cloud vault host) or the bare vault name.",
  'challenge-mismatch':
    'The server at this address does not identify itself as an Azure Key Vault of that cloud: check the Vault URI.',
  'kid-not-trusted':
    "The secrets were encrypted to a key outside the workspace's configured vault and key name: encrypt them to the workspace key, or correct the configured key.",
  'algorithm-not-supported':
    'Encrypt the content key with RSA-OAEP-256; no other key wrap algorithm is accepted.',
  'key-not-found':
    'Check the key name: the key (or this version of it) does not exist in the vault. If it was deleted by mistake, recover it from the deleted keys.',
  'key-not-rsa': 'Create an RSA key (RSA or RSA-HSM, size 4096) and enter its name.',
  'key-size': 'The product requires RSA 4096: create a key (or a new version) with RSA key size 4096.',
  'unwrap-refused':
    'The wrapped key does not decrypt with this key version: the secrets were encrypted for another key or altered on the way; send them again, encrypted to the current key.',
  'round-trip-mismatch':
    'Key Vault returned different bytes than were wrapped; contact support with the time of the check.',
  'invalid-request': 'Key Vault refused the request; its reason is in the message.',
  'configuration-invalid':
    "Operator: the service's Key Vault settings are invalid (authority host, CA, timeouts); its reason is in the message.",
  'unexpected-failure': 'An unexpected failure; its reason is in the message. Report it if it persists.',
};

const TRANSIENT: ReadonlySet<KeyVaultProblem> = new Set(TRANSIENT_PROBLEMS);
const REVOKED: ReadonlySet<KeyVaultProblem> = new Set(REVOKED_PROBLEMS);

function classOf(problem: KeyVaultProblem): KeyVaultErrorClass {
  if (TRANSIENT.has(problem)) return 'key-vault-unavailable';
  return REVOKED.has(problem) ? 'key-access-revoked' : 'secret-decryption-failed';
}

/** How a message names each problem, after the operation: `unwrap-key: <summary> (<details>)`. */
const SUMMARIES: Readonly<Record<KeyVaultProblem, string>> = {
  throttled: 'Key Vault is throttling',
  'service-unavailable': 'Key Vault server error',
  'vault-unreachable': 'Key Vault could not be reached',
  timeout: 'no answer in time',
  'tls-failed': "the vault's TLS certificate could not be verified",
  'identity-unavailable': 'Entra ID could not issue a token',
  'credential-unavailable': "the service's own Azure credential is not usable",
  'authentication-failed': 'the credentials were refused',
  'tenant-mismatch': 'the vault belongs to another Entra tenant',
  forbidden: 'the service principal may not use this key',
  'network-access-denied': "the vault's firewall refuses this service",
  'key-disabled': 'the key is disabled',
  'key-expired': 'the key is expired',
  'key-not-yet-valid': 'the key is not valid yet',
  'operation-not-permitted': 'the key does not permit this operation',
  'url-not-allowed': 'the vault address is not allowed',
  'challenge-mismatch': 'the server does not identify itself as a Key Vault of this cloud',
  'kid-not-trusted': 'the key id is not trusted',
  'algorithm-not-supported': 'the key wrap algorithm is not supported',
  'key-not-found': 'the key or key version does not exist',
  'key-not-rsa': 'the key is not an RSA key',
  'key-size': 'the key is not RSA 4096',
  'unwrap-refused': 'Key Vault refused to unwrap this value',
  'round-trip-mismatch': 'wrap and unwrap did not round-trip',
  'invalid-request': 'Key Vault refused the request',
  'configuration-invalid': 'the Key Vault settings are invalid',
  'unexpected-failure': 'unexpected failure',
};

export function summaryOf(problem: KeyVaultProblem): string {
  return SUMMARIES[problem];
}

export const KEY_VAULT_PROBLEM_DEFINITIONS: Readonly<Record<KeyVaultProblem, KeyVaultProblemDefinition>> =
  Object.fromEntries(
    KEY_VAULT_PROBLEMS.map((problem) => [
      problem,
      {
        errorClass: classOf(problem),
        code: `KEY_VAULT_${problem.toUpperCase().replace(/-/g, '_')}`,
        fix: FIXES[problem],
      },
    ]),
  ) as Record<KeyVaultProblem, KeyVaultProblemDefinition>;
