import { createHmac } from 'node:crypto';
import { Secret } from '@vault-backup/config';
import {
  type AddAccountResult,
  type CyberArkAccount,
  type JsonPatchOp,
  type NewCyberArkAccount,
} from '@vault-backup/cyberark';
import {
  type AccountEventData,
  buildAccountEventRecord,
  type ContentMode,
} from '@vault-backup/event-contract';
import { type ConsumedRecord } from '@vault-backup/kafka';
import { type FieldHasher } from '../mapping/account-fingerprint';
import { type CyberArkAccountsPort } from '../ports/cyberark-gateway.port';
import { type ActiveWorkspace } from '../ports/workspace-targets.port';

export const testHasher: FieldHasher = (value, context) =>
  createHmac('sha256', 'test-key').update(`${context}\u0000${value}`).digest('base64url').slice(0, 22);

export function accountData(overrides: Partial<AccountEventData> = {}): AccountEventData {
  return {
    workspaceId: 'ws-1',
    accountId: 'acc-1',
    version: 1,
    provider: 'github',
    label: 'GitHub admin',
    url: 'https://github.com/login',
    username: 'octo',
    email: 'octo@example.com',
    ...overrides,
  };
}

let nextOffset = 0;

export function accountRecord(
  data: Partial<AccountEventData> = {},
  options: { mode?: ContentMode; topic?: string; partition?: number; offset?: number } = {},
): ConsumedRecord {
  const full = accountData(data);
  const built = buildAccountEventRecord(
    {
      type: full.version === 1 ? 'account.created.v1' : 'account.updated.v1',
      source: '/services/accounts',
      data: full,
    },
    { mode: options.mode ?? 'binary' },
  );
  return rawRecord(built.message.key, built.message.value, built.message.headers, options);
}

export function rawRecord(
  key: string | null,
  value: string | Buffer | null,
  headers: Record<string, string> = {},
  options: { topic?: string; partition?: number; offset?: number } = {},
): ConsumedRecord {
  return {
    topic: options.topic ?? 'account-updated',
    partition: options.partition ?? 0,
    offset: String(options.offset ?? nextOffset++),
    timestamp: '1700000000000',
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : Buffer.isBuffer(value) ? value : Buffer.from(value),
    headers: Object.fromEntries(
      Object.entries(headers).map(([name, headerValue]) => [name, Buffer.from(headerValue)]),
    ),
  };
}

export function activeWorkspace(overrides: Partial<ActiveWorkspace> = {}): ActiveWorkspace {
  return {
    workspaceId: 'ws-1',
    tenantKey: 'tenant-a',
    connection: {
      identityUrl: 'https://a.id.cyberark.cloud',
      privilegeCloudUrl: 'https://a.privilegecloud.cyberark.cloud',
      clientId: 'svc@a',
      clientSecret: new Secret('client-secret'),
    },
    target: { safeName: 'Backups', platformId: 'VaultBackup', metadataOnly: false },
    allowPlaintextSecrets: true,
    retryBudgetMs: 86_400_000,
    ...overrides,
  };
}

/** An in-memory CyberArk safe with call accounting, for unit tests of the writer and runner. */
export class FakeCyberArkAccounts implements CyberArkAccountsPort {
  readonly accounts = new Map<string, CyberArkAccount & { secret?: string }>();
  readonly calls: string[] = [];
  private nextId = 1;
  failNext: Error | undefined;
  /** Simulated CyberArk latency per call. */
  latencyMs = 0;

  async addAccount(account: NewCyberArkAccount): Promise<AddAccountResult> {
    this.calls.push('add');
    await this.respond();
    this.throwIfFailing();
    const existing = [...this.accounts.values()].find((candidate) => candidate.name === account.name);
    if (existing) return { account: existing, created: false };
    const id = `12_${this.nextId++}`;
    const stored = {
      id,
      name: account.name,
      safeName: account.safeName,
      platformId: account.platformId,
      ...(account.address ? { address: account.address } : {}),
      ...(account.userName ? { userName: account.userName } : {}),
      platformAccountProperties: Object.fromEntries(
        Object.entries(account.platformAccountProperties ?? {}).map(([key, value]) => [
          key,
          typeof value === 'string' ? value : value.reveal(),
        ]),
      ),
      secretManagement: { ...account.secretManagement },
      ...(account.secret ? { secret: account.secret.reveal() } : {}),
    };
    this.accounts.set(id, stored);
    return { account: stored, created: true };
  }

  async getAccount(id: string): Promise<CyberArkAccount> {
    this.calls.push('get');
    await this.respond();
    this.throwIfFailing();
    const account = this.accounts.get(id);
    if (!account) throw Object.assign(new Error('not found'), { errorClass: 'account-not-found' });
    const { secret: _secret, ...withoutSecret } = account;
    return withoutSecret;
  }

  async updateAccount(id: string, ops: readonly JsonPatchOp[]): Promise<CyberArkAccount> {
    this.calls.push('patch');
    await this.respond();
    this.throwIfFailing();
    const account = this.accounts.get(id);
    if (!account) throw Object.assign(new Error('not found'), { errorClass: 'account-not-found' });
    const properties = { ...account.platformAccountProperties };
    const updated: Record<string, unknown> = { ...account };
    const management: Record<string, unknown> = { ...account.secretManagement };
    for (const op of ops) {
      const value =
        op.op === 'remove' ? undefined : typeof op.value === 'object' ? op.value.reveal() : op.value;
      if (op.path.startsWith('/platformAccountProperties/')) {
        const name = op.path.slice('/platformAccountProperties/'.length);
        // Strict RFC 6902, as the CyberArk simulator: removing an absent property is an error.
        if (op.op === 'remove' && !(name in properties))
          throw Object.assign(new Error('PASWS164E'), { errorClass: 'invalid-property' });
        if (value === undefined) delete properties[name];
        else properties[name] = String(value);
      } else if (op.path.startsWith('/secretManagement/')) {
        management[op.path.slice('/secretManagement/'.length)] = value;
      } else {
        updated[op.path.slice(1)] = value;
      }
    }
    const next = {
      ...(updated as unknown as CyberArkAccount),
      platformAccountProperties: properties,
      secretManagement: management,
    };
    this.accounts.set(id, next);
    return next;
  }

  async updateSecret(id: string, secret: Secret): Promise<void> {
    this.calls.push('secret');
    await this.respond();
    this.throwIfFailing();
    const account = this.accounts.get(id);
    if (!account) throw Object.assign(new Error('not found'), { errorClass: 'account-not-found' });
    this.accounts.set(id, { ...account, secret: secret.reveal() });
  }

  only(): CyberArkAccount & { secret?: string } {
    expect(this.accounts.size).toBe(1);
    return [...this.accounts.values()][0];
  }

  private async respond(): Promise<void> {
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
  }

  private throwIfFailing(): void {
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
  }
}
