import { randomUUID, type webcrypto } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { ConfigurationError } from '@vault-backup/errors';
import { type DataCipher } from '../data-cipher/data-cipher.port';
import { DataDecryptionError } from '../data-cipher/data-decryption.error';
import {
  assertContext,
  decryptDirJwe,
  dirJweKeyId,
  encryptDirJwe,
  importAesGcmKey,
  unknownKeyId,
} from '../data-cipher/dir-jwe';
import { LocalDataCipher } from '../data-cipher/local.data-cipher';
import { DATA_KEY_KID_PREFIX, dataKeyIdOf, dataKeyKid } from '../data-key/data-key-id';
import { dataKeyScope } from '../data-key/data-key-scope';
import {
  type DataKeyWrappers,
  assertKeyCheck,
  deriveDataKey,
  keyCheckOf,
  newMaterial,
  unwrapMaterial,
  wipe,
  wipeMaterial,
} from '../data-key/data-key.material';
import { type DataKeyStore } from '../data-key/data-key.store.port';
import { type KeyRing } from '../key-ring/key-ring';
import { type EnvelopeDataCipherOptions, ENVELOPE_DEFAULTS } from './envelope-data-cipher.options';

/** The data key a scope encrypts with in this process, until it is too old, too used or out of date. */
interface CurrentDataKey {
  readonly id: string;
  readonly key: webcrypto.CryptoKey;
  readonly serviceKid: string;
  readonly workspaceKid: string | null;
  readonly createdAt: number;
  /** When the workspace's wrapper was last seen to be the one this data key was wrapped with. */
  checkedAt: number;
  uses: number;
}

/** A data key unwrapped for decryption. */
interface LoadedDataKey {
  readonly scope: string;
  readonly key: webcrypto.CryptoKey;
}

/** An in-flight creation or load; `forgetScope` abandons it so its result is not kept. */
interface Flight<T> {
  readonly scope: string;
  readonly promise: Promise<T>;
  abandoned: boolean;
}

/**
 * {@link DataCipher} with envelope encryption per scope (the service, or one workspace). Tokens keep
 * the LocalDataCipher format (compact JWE, `dir` + `A256GCM`, critical `ctx`), with `kid: dk.<uuid>`
 * naming a data key in the {@link DataKeyStore}. A data key is derived (HKDF-SHA256, bound to its id
 * and scope) from a service share wrapped by the service key and, when the workspace has its own key,
 * a workspace share wrapped by that key: revoking either makes it unrecoverable.
 *
 * - Encrypting reuses the scope's current data key, created lazily (one insert, wrapping needs no
 *   call to the workspace's vault, so sealing works even after a revocation) and replaced once it is
 *   `maxKeyAgeMs` old, has encrypted `maxKeyUses` tokens, the service key rotated, or — checked every
 *   `cacheTtlMs` — the workspace's key changed.
 * - Decrypting loads the named data key, checks its scope against the caller's, unwraps its shares and
 *   caches the derived key for at most `cacheTtlMs` (LRU, at most `cacheMaxKeys`). The TTL bounds how
 *   long a revoked workspace key goes on working in this process; after it, decryption fails with the
 *   wrapper's own (retriable) error. Concurrent loads of one data key share one unwrap.
 * - Tokens whose kid is a key ring id (LocalDataCipher, before envelope encryption) decrypt with
 *   `legacyRing`, in any scope: they were never bound to one.
 */
export class EnvelopeDataCipher implements DataCipher {
  private readonly settings: Required<Omit<EnvelopeDataCipherOptions, 'legacyRing'>>;
  private readonly legacy: LocalDataCipher | undefined;
  private readonly current: LRUCache<string, CurrentDataKey>;
  private readonly creating = new Map<string, Flight<CurrentDataKey>>();
  private readonly loaded: LRUCache<string, LoadedDataKey>;
  private readonly loading = new Map<string, Flight<webcrypto.CryptoKey>>();

  constructor(
    private readonly store: DataKeyStore,
    private readonly wrappers: DataKeyWrappers,
    options: EnvelopeDataCipherOptions = {},
  ) {
    this.settings = { ...ENVELOPE_DEFAULTS, ...withoutUndefined(options) };
    assertSettings(this.settings);
    this.legacy = options.legacyRing ? legacyCipher(options.legacyRing) : undefined;
    this.current = new LRUCache({ max: this.settings.cacheMaxKeys });
    this.loaded = new LRUCache({
      max: this.settings.cacheMaxKeys,
      ttl: this.settings.cacheTtlMs,
      // Age from the unwrap, never refreshed by use: the TTL is how long a revocation takes to bite.
      updateAgeOnGet: false,
      ttlResolution: 0,
      // lru-cache takes a start time of 0 for "no TTL": a clock starting at 0 must not disable expiry.
      perf: { now: () => Math.max(1, this.settings.now()) },
    });
  }

  async encrypt(plaintext: Uint8Array | string, context: string, scope?: string): Promise<string> {
    assertContext(context);
    const dataKey = await this.currentKey(dataKeyScope(scope), scope);
    dataKey.uses += 1;
    return encryptDirJwe(plaintext, context, dataKeyKid(dataKey.id), dataKey.key);
  }

  async decrypt(token: string, context: string, scope?: string): Promise<Uint8Array> {
    assertContext(context);
    const expectedScope = dataKeyScope(scope);
    const kid = dirJweKeyId(token);
    const id = dataKeyIdOf(kid);
    if (id === undefined) {
      if (!this.legacy) throw unknownKeyId(kid);
      return this.legacy.decrypt(token, context);
    }
    return decryptDirJwe(token, context, await this.loadedKey(id, expectedScope));
  }

  /**
   * Forgets every data key of the workspace held here (current and unwrapped ones, in-flight ones
   * included): its next encryption creates a data key wrapped as its key integration now says, its
   * next decryption unwraps again. Call it when the workspace's key integration is added, changed or
   * removed. Other processes notice within `cacheTtlMs`.
   */
  forgetScope(workspaceId: string): void {
    const scope = dataKeyScope(workspaceId);
    this.current.delete(scope);
    abandon(this.creating, scope);
    abandon(this.loading, scope);
    const unwrapped = [...this.loaded.entries()].filter(([, entry]) => entry.scope === scope);
    for (const [id] of unwrapped) this.loaded.delete(id);
  }

  private async currentKey(scope: string, workspaceId: string | undefined): Promise<CurrentDataKey> {
    const existing = this.current.get(scope);
    if (existing && this.fresh(existing) && (await this.stillWrappedAsConfigured(existing, workspaceId)))
      return existing;
    const replaced = this.current.get(scope);
    if (replaced && replaced !== existing && this.fresh(replaced)) return replaced;
    return this.createCurrent(scope, workspaceId);
  }

  private fresh(dataKey: CurrentDataKey): boolean {
    return (
      this.settings.now() - dataKey.createdAt < this.settings.maxKeyAgeMs &&
      dataKey.uses < this.settings.maxKeyUses &&
      dataKey.serviceKid === this.wrappers.service.kid
    );
  }

  /** Asks the workspace's integration again at most every `cacheTtlMs`, so another process's change reaches this one. */
  private async stillWrappedAsConfigured(
    dataKey: CurrentDataKey,
    workspaceId: string | undefined,
  ): Promise<boolean> {
    const now = this.settings.now();
    if (workspaceId === undefined || now - dataKey.checkedAt < this.settings.cacheTtlMs) return true;
    const wrapper = await this.wrappers.workspaceKeys.wrapperFor(workspaceId);
    if ((wrapper?.kid ?? null) !== dataKey.workspaceKid) return false;
    dataKey.checkedAt = now;
    return true;
  }

  /** One creation per scope at a time: concurrent encryptions wait for it instead of each making a data key. */
  private createCurrent(scope: string, workspaceId: string | undefined): Promise<CurrentDataKey> {
    const inFlight = this.creating.get(scope);
    if (inFlight) return inFlight.promise;
    const flight: Flight<CurrentDataKey> = {
      scope,
      abandoned: false,
      promise: this.createDataKey(scope, workspaceId)
        .then((dataKey) => {
          if (!flight.abandoned) this.current.set(scope, dataKey);
          return dataKey;
        })
        .finally(() => {
          if (this.creating.get(scope) === flight) this.creating.delete(scope);
        }),
    };
    this.creating.set(scope, flight);
    return flight.promise;
  }

  private async createDataKey(scope: string, workspaceId: string | undefined): Promise<CurrentDataKey> {
    const wrapper =
      workspaceId === undefined ? undefined : await this.wrappers.workspaceKeys.wrapperFor(workspaceId);
    const id = randomUUID();
    const material = newMaterial(wrapper !== undefined);
    let raw: Uint8Array | undefined;
    try {
      const [service, workspace] = await Promise.all([
        this.wrappers.service.wrap(material.service),
        wrapper && material.workspace ? wrapper.wrap(material.workspace) : null,
      ]);
      raw = deriveDataKey(id, scope, material);
      await this.store.insert({ id, scope, service, workspace, keyCheck: keyCheckOf(raw) });
      const key = await importAesGcmKey(raw);
      this.loaded.set(id, { scope, key });
      const now = this.settings.now();
      return {
        id,
        key,
        serviceKid: service.kid,
        workspaceKid: workspace?.kid ?? null,
        createdAt: now,
        checkedAt: now,
        uses: 0,
      };
    } finally {
      wipeMaterial(material);
      wipe(raw);
    }
  }

  private loadedKey(id: string, scope: string): Promise<webcrypto.CryptoKey> {
    const cached = this.loaded.get(id);
    if (cached) {
      if (cached.scope !== scope) return Promise.reject(anotherScope());
      return Promise.resolve(cached.key);
    }
    // Keyed by scope too: a caller naming the wrong scope must not fail the right one's load.
    const flightKey = `${id}\0${scope}`;
    const inFlight = this.loading.get(flightKey);
    if (inFlight) return inFlight.promise;
    const flight: Flight<webcrypto.CryptoKey> = {
      scope,
      abandoned: false,
      promise: this.load(id, scope)
        .then((key) => {
          if (!flight.abandoned) this.loaded.set(id, { scope, key });
          return key;
        })
        .finally(() => {
          if (this.loading.get(flightKey) === flight) this.loading.delete(flightKey);
        }),
    };
    this.loading.set(flightKey, flight);
    return flight.promise;
  }

  private async load(id: string, scope: string): Promise<webcrypto.CryptoKey> {
    const record = await this.store.find(id);
    if (!record) throw new DataDecryptionError('unknown data key');
    // Before unwrapping: a wrong-scope token never costs a call to a workspace's vault.
    if (record.scope !== scope) throw anotherScope();
    const material = await unwrapMaterial(record, this.wrappers);
    let raw: Uint8Array | undefined;
    try {
      raw = deriveDataKey(record.id, record.scope, material);
      assertKeyCheck(raw, record.keyCheck);
      return await importAesGcmKey(raw);
    } finally {
      wipeMaterial(material);
      wipe(raw);
    }
  }
}

function anotherScope(): DataDecryptionError {
  return new DataDecryptionError('token belongs to another scope');
}

function abandon<T>(flights: Map<string, Flight<T>>, scope: string): void {
  for (const [key, flight] of [...flights]) {
    if (flight.scope !== scope) continue;
    flight.abandoned = true;
    flights.delete(key);
  }
}

function legacyCipher(ring: KeyRing): LocalDataCipher {
  if ([...ring.keys.keys()].some((kid) => kid.startsWith(DATA_KEY_KID_PREFIX)))
    throw new ConfigurationError([`key ring: key ids starting with "${DATA_KEY_KID_PREFIX}" are reserved`]);
  return new LocalDataCipher(ring);
}

function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function assertSettings(settings: Required<Omit<EnvelopeDataCipherOptions, 'legacyRing'>>): void {
  for (const name of ['cacheTtlMs', 'cacheMaxKeys', 'maxKeyAgeMs', 'maxKeyUses'] as const) {
    if (!Number.isInteger(settings[name]) || settings[name] < 1)
      throw new RangeError(`EnvelopeDataCipher: ${name} must be a positive integer`);
  }
}
