import { AppError } from '@vault-backup/errors';
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

/** The vaults and their listeners. Names are case-insensitive, as in Azure. */
export class VaultRegistry {
  private readonly vaults = new Map<string, { vault: Vault; server: VaultServer }>();

  constructor(
    private readonly openServer: VaultServerFactory,
    private readonly advertisedHost: string,
    private readonly clock: Clock,
  ) {}

  async create(name: string, tenantId: string, port = 0): Promise<Vault> {
    if (this.vaults.has(name.toLowerCase())) throw new VaultConflictError(`vault ${name} already exists`);
    const server = await this.openServer(port);
    const vault = new Vault(
      name,
      tenantId,
      `https://${this.advertisedHost}:${server.port}`,
      server.port,
      this.clock,
    );
    server.attach(vault);
    this.vaults.set(name.toLowerCase(), { vault, server });
    return vault;
  }

  get(name: string): Vault | undefined {
    return this.vaults.get(name.toLowerCase())?.vault;
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
