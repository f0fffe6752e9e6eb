import { randomBytes } from 'node:crypto';
import { type KeyMaterial } from './key-material';

/** Azure's JsonWebKeyOperation values. */
export const KEY_OPERATIONS = [
  'encrypt',
  'decrypt',
  'sign',
  'verify',
  'wrapKey',
  'unwrapKey',
  'import',
  'export',
] as const;
export type KeyOperation = (typeof KEY_OPERATIONS)[number];

/** What Key Vault gives a key created without `key_ops`. */
export const DEFAULT_RSA_KEY_OPS: readonly KeyOperation[] = [
  'encrypt',
  'decrypt',
  'sign',
  'verify',
  'wrapKey',
  'unwrapKey',
];
export const DEFAULT_EC_KEY_OPS: readonly KeyOperation[] = ['sign', 'verify'];

/** Unix seconds, as Key Vault's attributes carry them. */
export interface KeyAttributes {
  enabled: boolean;
  nbf?: number;
  exp?: number;
  created: number;
  updated: number;
}

export interface KeyVersion {
  name: string;
  /** 32 lowercase hex characters. */
  version: string;
  material: KeyMaterial;
  keyOps: KeyOperation[];
  attributes: KeyAttributes;
}

export interface VersionOptions {
  keyOps?: KeyOperation[];
  enabled?: boolean;
  nbf?: number | null;
  exp?: number | null;
}

export interface StoredKey {
  name: string;
  /** Oldest first; the last one is the current version. */
  versions: KeyVersion[];
}

/** The keys of one vault. Names and versions are case-insensitive, as in Key Vault. */
export class KeyStore {
  private readonly keys = new Map<string, StoredKey>();

  /** Adds a version (creating the key on first use); the new version becomes current. */
  addVersion(name: string, material: KeyMaterial, options: VersionOptions, nowSeconds: number): KeyVersion {
    const stored = this.keys.get(name.toLowerCase()) ?? { name, versions: [] };
    const defaults = material.kty.startsWith('RSA') ? DEFAULT_RSA_KEY_OPS : DEFAULT_EC_KEY_OPS;
    const version: KeyVersion = {
      name: stored.name,
      version: randomBytes(16).toString('hex'),
      material,
      keyOps: [...(options.keyOps ?? defaults)],
      attributes: {
        enabled: options.enabled ?? true,
        ...(typeof options.nbf === 'number' ? { nbf: options.nbf } : {}),
        ...(typeof options.exp === 'number' ? { exp: options.exp } : {}),
        created: nowSeconds,
        updated: nowSeconds,
      },
    };
    stored.versions.push(version);
    this.keys.set(name.toLowerCase(), stored);
    return version;
  }

  get(name: string): StoredKey | undefined {
    return this.keys.get(name.toLowerCase());
  }

  /** A version by id, or the current one when `version` is empty or omitted. */
  find(name: string, version?: string): KeyVersion | undefined {
    const stored = this.get(name);
    if (!stored) return undefined;
    if (!version) return stored.versions.at(-1);
    const wanted = version.toLowerCase();
    return stored.versions.find((candidate) => candidate.version === wanted);
  }

  /** Changes attributes in place; `null` clears nbf/exp. */
  update(
    name: string,
    version: string | undefined,
    change: VersionOptions,
    nowSeconds: number,
  ): KeyVersion | undefined {
    const found = this.find(name, version);
    if (!found) return undefined;
    const attributes = found.attributes;
    if (change.enabled !== undefined) attributes.enabled = change.enabled;
    if (change.nbf !== undefined) setOptional(attributes, 'nbf', change.nbf);
    if (change.exp !== undefined) setOptional(attributes, 'exp', change.exp);
    if (change.keyOps !== undefined) found.keyOps = [...change.keyOps];
    attributes.updated = nowSeconds;
    return found;
  }

  delete(name: string): boolean {
    return this.keys.delete(name.toLowerCase());
  }

  list(): StoredKey[] {
    return [...this.keys.values()];
  }
}

function setOptional(attributes: KeyAttributes, field: 'nbf' | 'exp', value: number | null): void {
  if (value === null) delete attributes[field];
  else attributes[field] = value;
}
