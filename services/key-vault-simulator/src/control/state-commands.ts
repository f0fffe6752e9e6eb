import { unixSeconds } from '../clock/clock';
import { AZURE_CLOUDS } from '../clouds/azure-clouds';
import { type SimulatorState } from '../state/simulator-state';
import {
  type KeyMaterial,
  type KeySpec,
  UnsupportedKeyError,
  generateKeyMaterial,
  importKeyMaterial,
} from '../vault/key-material';
import { type KeyVersion } from '../vault/key-store';
import { type Vault } from '../vault/vault';
import { ControlErrors } from './control.errors';
import { type KeyInput, type SeedDocument, type ThrottleInput, type VaultInput } from './control.schemas';

/** Control operations that need more than one state object; the handler stays a thin router. */

export async function createKey(state: SimulatorState, vault: Vault, input: KeyInput): Promise<KeyVersion> {
  const material = await materialFor(input);
  const { keyOps, enabled, nbf, exp } = input;
  return vault.keys.addVersion(
    input.name,
    material,
    {
      ...(keyOps ? { keyOps } : {}),
      enabled,
      ...(nbf !== undefined ? { nbf } : {}),
      ...(exp !== undefined ? { exp } : {}),
    },
    unixSeconds(state.clock.now()),
  );
}

/** A new version of the same type, size and operations; the old versions stay usable. */
export async function rotateKey(state: SimulatorState, vault: Vault, name: string): Promise<KeyVersion> {
  const current = vault.keys.find(name);
  if (!current) throw ControlErrors.notFound(`key ${name} in vault ${vault.name}`);
  const material = await generateKeyMaterial(specOf(current.material));
  return vault.keys.addVersion(
    current.name,
    material,
    { keyOps: current.keyOps },
    unixSeconds(state.clock.now()),
  );
}

export function configureThrottle(vault: Vault, input: ThrottleInput): void {
  vault.throttle.configure({
    ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
    ...(input.windowMs !== undefined ? { windowMs: input.windowMs } : {}),
    ...(input.limits ? { limits: input.limits } : {}),
  });
}

export async function createVault(
  state: SimulatorState,
  input: Omit<VaultInput, 'throttle'> & { throttle?: ThrottleInput | undefined },
): Promise<Vault> {
  if (state.vaults.get(input.name)) throw ControlErrors.conflict(`vault ${input.name} already exists`);
  state.directory.ensureTenant(input.tenantId);
  const { name, tenantId, port } = input;
  const vault = await state.vaults.create({ name, tenantId, port, cloud: AZURE_CLOUDS[input.cloud] });
  state.counters.track(vault.name);
  if (input.throttle) configureThrottle(vault, input.throttle);
  return vault;
}

/**
 * Applies a seed document on top of the current state; secrets may come from the environment.
 * Every secret is resolved before anything changes, so a missing variable leaves the state as it was.
 */
export async function applySeed(
  state: SimulatorState,
  seed: SeedDocument,
  env: NodeJS.ProcessEnv,
): Promise<Vault[]> {
  const apps = seed.tenants.flatMap((tenant) =>
    tenant.apps.map((app) => ({
      tenantId: tenant.tenantId,
      clientId: app.clientId,
      secret: secretOf(app, env),
    })),
  );
  if (seed.switches) state.updateSwitches(seed.switches);
  for (const tenant of seed.tenants) state.directory.ensureTenant(tenant.tenantId);
  for (const app of apps) state.directory.putApp(app.tenantId, app.clientId, app.secret);
  const vaults: Vault[] = [];
  for (const input of seed.vaults) {
    const vault = await createVault(state, input);
    for (const key of input.keys) await createKey(state, vault, key);
    for (const assignment of input.roleAssignments) vault.roles.assign(assignment.clientId, assignment.role);
    vaults.push(vault);
  }
  return vaults;
}

function secretOf(
  app: { clientId: string; clientSecret?: string | undefined; clientSecretEnv?: string | undefined },
  env: NodeJS.ProcessEnv,
): string {
  if (app.clientSecret !== undefined) return app.clientSecret;
  const value = app.clientSecretEnv === undefined ? undefined : env[app.clientSecretEnv];
  if (!value)
    throw ControlErrors.badInput(
      `environment variable ${String(app.clientSecretEnv)} (secret of ${app.clientId}) is not set`,
    );
  return value;
}

async function materialFor(input: KeyInput): Promise<KeyMaterial> {
  if (input.privateKeyPem === undefined) return generateKeyMaterial(specFor(input));
  try {
    const material = importKeyMaterial(input.privateKeyPem, input.kty.endsWith('-HSM'));
    if (material.kty.startsWith('RSA') !== input.kty.startsWith('RSA')) {
      throw ControlErrors.badInput(`privateKeyPem holds a ${material.kty} key but kty is ${input.kty}`);
    }
    return material;
  } catch (error) {
    if (error instanceof UnsupportedKeyError) throw ControlErrors.badInput(error.message);
    throw error;
  }
}

function specFor(input: KeyInput): KeySpec {
  if (input.kty === 'RSA' || input.kty === 'RSA-HSM') return { kty: input.kty, size: input.size ?? 2048 };
  return { kty: input.kty, curve: input.curve ?? 'P-256' };
}

function specOf(material: KeyMaterial): KeySpec {
  return 'size' in material
    ? { kty: material.kty, size: material.size }
    : { kty: material.kty, curve: material.curve };
}
