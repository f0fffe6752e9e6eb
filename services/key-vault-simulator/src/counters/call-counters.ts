import { ENTRA_OPERATIONS, VAULT_OPERATIONS } from '../faults/fault.types';

export const ENTRA_COUNTERS = [...ENTRA_OPERATIONS, 'throttled', 'unknown'] as const;
/** `challenge`: 401 answers (no or bad token); every other request counts under its operation. */
export const VAULT_COUNTERS = ['challenge', ...VAULT_OPERATIONS, 'throttled', 'unknown'] as const;

/**
 * What the front door refused before any vault saw it: `unknownHost` (a TLS server name or `Host`
 * naming no existing vault: the connection is dropped) and `misdirected` (a `Host` other than the
 * vault the connection was opened for: 403).
 */
export const FRONT_DOOR_COUNTERS = ['unknownHost', 'misdirected'] as const;
export type FrontDoorCounter = (typeof FRONT_DOOR_COUNTERS)[number];

export type CounterSet = Record<string, number>;

/** How many calls each target saw, by operation; for tests asserting "served from cache" and the like. */
export class CallCounters {
  private entra = zeroes(ENTRA_COUNTERS);
  private frontDoor = zeroes(FRONT_DOOR_COUNTERS);
  private readonly vaults = new Map<string, CounterSet>();

  /** `vault` null counts for Entra ID. */
  record(vault: string | null, counter: string): void {
    const set = vault === null ? this.entra : this.vaultSet(vault);
    set[counter] = (set[counter] ?? 0) + 1;
  }

  recordFrontDoor(counter: FrontDoorCounter): void {
    this.frontDoor[counter] = (this.frontDoor[counter] ?? 0) + 1;
  }

  snapshot(): { entra: CounterSet; frontDoor: CounterSet; vaults: Record<string, CounterSet> } {
    return {
      entra: { ...this.entra },
      frontDoor: { ...this.frontDoor },
      vaults: Object.fromEntries([...this.vaults].map(([name, set]) => [name, { ...set }])),
    };
  }

  /** Starts a vault at zero (so a snapshot lists it before its first call). */
  track(vault: string): void {
    this.vaultSet(vault);
  }

  forget(vault: string): void {
    this.vaults.delete(vault.toLowerCase());
  }

  /** Back to zero, keeping the vaults listed. */
  reset(): void {
    this.entra = zeroes(ENTRA_COUNTERS);
    this.frontDoor = zeroes(FRONT_DOOR_COUNTERS);
    for (const name of this.vaults.keys()) this.vaults.set(name, zeroes(VAULT_COUNTERS));
  }

  /** Back to zero and forgets every vault. */
  clear(): void {
    this.entra = zeroes(ENTRA_COUNTERS);
    this.frontDoor = zeroes(FRONT_DOOR_COUNTERS);
    this.vaults.clear();
  }

  private vaultSet(vault: string): CounterSet {
    const key = vault.toLowerCase();
    const existing = this.vaults.get(key);
    if (existing) return existing;
    const created = zeroes(VAULT_COUNTERS);
    this.vaults.set(key, created);
    return created;
  }
}

function zeroes(names: readonly string[]): CounterSet {
  return Object.fromEntries(names.map((name) => [name, 0]));
}
