import { AppError } from '@vault-backup/errors';
import { type AzureCloud, type VaultHost } from '../clouds/azure-clouds';
import { type Clock } from '../clock/clock';
import { Vault } from './vault';

/** A bound HTTPS listener waiting for its vault; `attach` starts serving it. */
export interface VaultServer {
  port: number;
  attach(vault: Vault): void;
  close(): Promise<void>;
}

export type VaultServerFactory = (port: number) => Promise<VaultServer>;

export class VaultConflictError extends AppError {
  readonly code = 'VAULT_EXISTS';
  readonly retriable = false;
}

export interface NewVault {
  name: string;
  tenantId: string;
  cloud: AzureCloud;
  /** Port of the vault's own loopback listener; 0 picks a free one. */
  port: number;
}

/**
 * The vaults and their loopback listeners. Names are case-insensitive, as in Azure, and unique
 * across clouds here (the control API addresses a vault by name alone).
 */
export class VaultRegistry {
  private readonly vaults = new Map<string, { vault: Vault; server: VaultServer }>();

  constructor(
    private readonly openServer: VaultServerFactory,
    private readonly advertisedHost: string,
    private readonly clock: Clock,
  ) {}

  async create(input: NewVault): Promise<Vault> {
    const key = input.name.toLowerCase();
    if (this.vaults.has(key)) throw new VaultConflictError(`vault ${input.name} already exists`);
    const server = await this.openServer(input.port);
    const directUrl = `https://${this.advertisedHost}:${server.port}`;
    const vault = new Vault(input.name, input.tenantId, input.cloud, directUrl, server.port, this.clock);
    server.attach(vault);
    this.vaults.set(key, { vault, server });
    return vault;
  }

  get(name: string): Vault | undefined {
    return this.vaults.get(name.toLowerCase())?.vault;
  }

  /** The vault a host designates: same name, same cloud (`kv.vault.azure.cn` is not `kv.vault.azure.net`). */
  findByHost(host: VaultHost): Vault | undefined {
    const vault = this.get(host.name);
    return vault?.cloud.name === host.cloud.name ? vault : undefined;
  }

  list(): Vault[] {
    return [...this.vaults.values()].map((entry) => entry.vault);
  }

  async delete(name: string): Promise<boolean> {
    const entry = this.vaults.get(name.toLowerCase());
    if (!entry) return false;
    this.vaults.delete(name.toLowerCase());
    await entry.server.close();
    return true;
  }

  async deleteAll(): Promise<void> {
    const entries = [...this.vaults.values()];
    this.vaults.clear();
    await Promise.all(entries.map((entry) => entry.server.close()));
  }
}
