import { Secret } from '@vault-backup/config';
import { AppError } from '@vault-backup/errors';
import { controlCall } from '../support/control-call';
import {
  type CreateKeyInput,
  type CreateVaultInput,
  type EntraFaultOperation,
  type Instant,
  type KeyVaultCounters,
  type KeyVaultFaultSpec,
  type KeyVaultFaultView,
  type KeyVaultRequestLogPage,
  type KeyVaultRequestLogQuery,
  type KeyVaultRole,
  type KeyVaultSeedDocument,
  type KeyVaultSimulatorStateView,
  type KeyVaultSimulatorSwitches,
  type SimulatedApp,
  type SimulatedKey,
  type SimulatedKeyVersion,
  type SimulatedVault,
  type SimulatedVaultAddress,
  type UpdateKeyInput,
  type VaultFaultOperation,
  type VaultThrottleInput,
  type VaultThrottleView,
} from './key-vault-simulator-control.types';

/** A control call the simulator refused; the message carries its explanation, never a secret. */
export class KeyVaultSimulatorControlError extends AppError {
  readonly code = 'KEY_VAULT_SIMULATOR_CONTROL_FAILED';
  readonly retriable = false;

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const segment = encodeURIComponent;
const reveal = (value: Secret<string> | string): string => (value instanceof Secret ? value.reveal() : value);
const instant = (value: Instant): number | string => (value instanceof Date ? value.toISOString() : value);
const optionalInstant = (value: Instant | null | undefined): number | string | null | undefined =>
  value === null || value === undefined ? value : instant(value);

/** Typed client of the Key Vault simulator's control API; one method per route. */
export class KeyVaultSimulatorControlClient {
  private readonly base: string;

  /** @param controlUrl e.g. `http://127.0.0.1:4480` (the routes live under `/_control`). */
  constructor(controlUrl: string) {
    this.base = `${controlUrl.replace(/\/+$/, '')}/_control`;
  }

  health(): Promise<{ status: string }> {
    return this.call('GET', '/health');
  }

  state(): Promise<KeyVaultSimulatorStateView> {
    return this.call('GET', '/state');
  }

  /** Forgets every tenant, app, vault (closing its listener), fault, switch, counter and log entry. */
  reset(): Promise<void> {
    return this.call('POST', '/reset');
  }

  seed(document: KeyVaultSeedDocument): Promise<{ vaults: SimulatedVaultAddress[] }> {
    return this.call('POST', '/seed', document);
  }

  // Entra ID -----------------------------------------------------------------------------------

  putTenant(tenantId: string): Promise<{ tenantId: string }> {
    return this.call('PUT', `/tenants/${segment(tenantId)}`);
  }

  /** Registers the app (creating the tenant), or gives it a new secret; the old one stops working. */
  registerApp(
    tenantId: string,
    clientId: string,
    clientSecret: Secret<string> | string,
  ): Promise<SimulatedApp> {
    return this.call('PUT', `/tenants/${segment(tenantId)}/apps/${segment(clientId)}`, {
      clientSecret: reveal(clientSecret),
    });
  }

  deleteApp(tenantId: string, clientId: string): Promise<void> {
    return this.call('DELETE', `/tenants/${segment(tenantId)}/apps/${segment(clientId)}`);
  }

  // Vaults -------------------------------------------------------------------------------------

  createVault(input: CreateVaultInput): Promise<SimulatedVault> {
    return this.call('POST', '/vaults', input);
  }

  listVaults(): Promise<SimulatedVault[]> {
    return this.call('GET', '/vaults');
  }

  getVault(name: string): Promise<SimulatedVault> {
    return this.call('GET', `/vaults/${segment(name)}`);
  }

  deleteVault(name: string): Promise<void> {
    return this.call('DELETE', `/vaults/${segment(name)}`);
  }

  configureThrottle(vault: string, input: VaultThrottleInput): Promise<VaultThrottleView> {
    return this.call('PATCH', `/vaults/${segment(vault)}/throttle`, input);
  }

  /** Forgets the calls in the vault's current throttle window (keeps the limits). */
  resetThrottleWindow(vault: string): Promise<void> {
    return this.call('DELETE', `/vaults/${segment(vault)}/throttle/window`);
  }

  // Keys ---------------------------------------------------------------------------------------

  /**
   * Creates the key, or a new (current) version of an existing one. The answer's `kid` is Azure's
   * form (front door), `directKid` the loopback listener's.
   */
  createKey(vault: string, input: CreateKeyInput): Promise<SimulatedKeyVersion> {
    const { nbf, exp, privateKeyPem, ...rest } = input;
    return this.call('POST', `/vaults/${segment(vault)}/keys`, {
      ...rest,
      ...(nbf !== undefined ? { nbf: instant(nbf) } : {}),
      ...(exp !== undefined ? { exp: instant(exp) } : {}),
      ...(privateKeyPem !== undefined ? { privateKeyPem: reveal(privateKeyPem) } : {}),
    });
  }

  getKey(vault: string, name: string): Promise<SimulatedKey> {
    return this.call('GET', `/vaults/${segment(vault)}/keys/${segment(name)}`);
  }

  /** A new version with the same type, size and operations; older versions stay usable. */
  rotateKey(vault: string, name: string): Promise<SimulatedKeyVersion> {
    return this.call('POST', `/vaults/${segment(vault)}/keys/${segment(name)}/rotate`);
  }

  /** Changes the current version, or `version` when given. */
  updateKey(
    vault: string,
    name: string,
    input: UpdateKeyInput,
    version?: string,
  ): Promise<SimulatedKeyVersion> {
    const path = `/vaults/${segment(vault)}/keys/${segment(name)}${version ? `/versions/${segment(version)}` : ''}`;
    const nbf = optionalInstant(input.nbf);
    const exp = optionalInstant(input.exp);
    return this.call('PATCH', path, {
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      ...(input.keyOps !== undefined ? { keyOps: input.keyOps } : {}),
      ...(nbf !== undefined ? { nbf } : {}),
      ...(exp !== undefined ? { exp } : {}),
    });
  }

  deleteKey(vault: string, name: string): Promise<void> {
    return this.call('DELETE', `/vaults/${segment(vault)}/keys/${segment(name)}`);
  }

  // Roles --------------------------------------------------------------------------------------

  assignRole(
    vault: string,
    clientId: string,
    role: KeyVaultRole,
  ): Promise<{ clientId: string; roles: KeyVaultRole[] }> {
    return this.call('POST', `/vaults/${segment(vault)}/role-assignments`, { clientId, role });
  }

  /** Removes one role, or every role of the client when `role` is omitted. */
  removeRole(vault: string, clientId: string, role?: KeyVaultRole): Promise<void> {
    const suffix = role === undefined ? '' : `/${segment(role)}`;
    return this.call('DELETE', `/vaults/${segment(vault)}/role-assignments/${segment(clientId)}${suffix}`);
  }

  listRoleAssignments(vault: string): Promise<{ clientId: string; roles: KeyVaultRole[] }[]> {
    return this.call('GET', `/vaults/${segment(vault)}/role-assignments`);
  }

  // Faults -------------------------------------------------------------------------------------

  addEntraFault(spec: KeyVaultFaultSpec<EntraFaultOperation>): Promise<KeyVaultFaultView> {
    return this.call('POST', '/entra/faults', spec);
  }

  listEntraFaults(): Promise<KeyVaultFaultView[]> {
    return this.call('GET', '/entra/faults');
  }

  removeEntraFault(id: string): Promise<void> {
    return this.call('DELETE', `/entra/faults/${segment(id)}`);
  }

  clearEntraFaults(): Promise<void> {
    return this.call('DELETE', '/entra/faults');
  }

  addVaultFault(vault: string, spec: KeyVaultFaultSpec<VaultFaultOperation>): Promise<KeyVaultFaultView> {
    return this.call('POST', `/vaults/${segment(vault)}/faults`, spec);
  }

  listVaultFaults(vault: string): Promise<KeyVaultFaultView[]> {
    return this.call('GET', `/vaults/${segment(vault)}/faults`);
  }

  removeVaultFault(vault: string, id: string): Promise<void> {
    return this.call('DELETE', `/vaults/${segment(vault)}/faults/${segment(id)}`);
  }

  clearVaultFaults(vault: string): Promise<void> {
    return this.call('DELETE', `/vaults/${segment(vault)}/faults`);
  }

  /** Resets every connection a `hang` fault is holding (the client sees a dropped connection). */
  dropHeldRequests(): Promise<{ dropped: number }> {
    return this.call('POST', '/held-requests/drop');
  }

  // Switches, clock, counters, request log ---------------------------------------------------

  switches(): Promise<KeyVaultSimulatorSwitches> {
    return this.call('GET', '/switches');
  }

  setSwitches(change: Partial<KeyVaultSimulatorSwitches>): Promise<KeyVaultSimulatorSwitches> {
    return this.call('PATCH', '/switches', change);
  }

  /** Moves the simulator clock (token lifetimes, nbf/exp, throttle windows) forward. */
  advanceClock(ms: number): Promise<{ offsetMs: number; now: number }> {
    return this.call('POST', '/clock', { advanceMs: ms });
  }

  resetClock(): Promise<void> {
    return this.call('DELETE', '/clock');
  }

  counters(): Promise<KeyVaultCounters> {
    return this.call('GET', '/counters');
  }

  resetCounters(): Promise<void> {
    return this.call('DELETE', '/counters');
  }

  requests(query: KeyVaultRequestLogQuery = {}): Promise<KeyVaultRequestLogPage> {
    const params = new URLSearchParams();
    if (query.since !== undefined) params.set('since', String(query.since));
    if (query.target !== undefined) params.set('target', query.target);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    return this.call('GET', `/requests${params.size > 0 ? `?${params.toString()}` : ''}`);
  }

  clearRequests(): Promise<void> {
    return this.call('DELETE', '/requests');
  }

  private call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return controlCall<T>(
      this.base,
      method,
      path,
      body,
      (status, message) => new KeyVaultSimulatorControlError(status, message),
    );
  }
}
