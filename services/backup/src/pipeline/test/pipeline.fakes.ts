import { type BatchControl, type ConsumedRecord, type DeliveredRecord } from '@vault-backup/kafka';
import { DependencyUnavailableError } from '@vault-backup/errors';
import { DatabaseRejectedError } from '@vault-backup/persistence';
import { accountKey } from '../domain/account-snapshot';
import { type BackupFailure } from '../domain/backup-failure';
import { deserializeRecord, serializeRecord } from '../adapters/record-codec';
import {
  type CircuitState,
  type CyberArkAccountsPort,
  type CyberArkGatewayPort,
} from '../ports/cyberark-gateway.port';
import { type DeadLetterContext, type DeadLetterPort } from '../ports/dead-letter.port';
import { type RecordSealerPort } from '../ports/record-sealer.port';
import {
  type ActiveWorkspace,
  type WorkspaceTarget,
  type WorkspaceTargetsPort,
} from '../ports/workspace-targets.port';
import { type BackupStateStore, type PendingSummary } from '../store/backup-state.store';
import {
  type AccountRef,
  type AccountState,
  type FenceAnswer,
  type LeaseClaim,
  type OutcomeWrite,
  type PendingBackup,
} from '../store/backup-state.types';
import { FakeCyberArkAccounts } from './pipeline.fixtures';

/** Same semantics as the PostgreSQL store (conditional upserts), in memory. */
export class InMemoryStateStore implements BackupStateStore {
  readonly states = new Map<string, AccountState>();
  readonly pending = new Map<string, PendingBackup>();
  readonly failures: OutcomeWrite['failures'][number][] = [];
  readonly skipped = new Map<string, number>();
  readonly leases = new Map<string, { owner: string; version: number; until: number }>();
  failSaves = 0;
  /** Saves that include this account are refused for good (a constraint violation), as PostgreSQL would. */
  rejectSavesOf: string | undefined;
  now: () => number = Date.now;

  async claimLeases(claims: readonly LeaseClaim[], owner: string, ttlMs: number): Promise<Set<string>> {
    const claimed = new Set<string>();
    for (const claim of claims) {
      const key = accountKey(claim.workspaceId, claim.accountId);
      const existing = this.leases.get(key);
      if (existing && existing.owner !== owner && existing.until > this.now()) continue;
      this.leases.set(key, { owner, version: claim.version, until: this.now() + ttlMs });
      claimed.add(key);
    }
    return claimed;
  }

  readonly fence = new Map<string, { version: number; owner: string; settleUntil?: number }>();

  async beginWrites(starts: readonly LeaseClaim[], owner: string): Promise<Map<string, FenceAnswer>> {
    const answers = new Map<string, FenceAnswer>();
    for (const start of starts) {
      const key = accountKey(start.workspaceId, start.accountId);
      const stored = this.states.get(key);
      const fenced = this.fence.get(key);
      if ((stored && stored.appliedVersion >= start.version) || (fenced && fenced.version > start.version))
        continue;
      if (fenced?.settleUntil !== undefined && fenced.settleUntil > this.now()) {
        answers.set(key, { kind: 'settling', waitMs: fenced.settleUntil - this.now() });
        continue;
      }
      this.fence.set(key, { version: start.version, owner });
      const prior = fenced && { version: fenced.version, owner: fenced.owner };
      answers.set(key, { kind: 'granted', ...(stored ? { stored } : {}), ...(prior ? { prior } : {}) });
    }
    return answers;
  }

  async settleAbandonedWrite(start: LeaseClaim, owner: string, settleMs: number): Promise<void> {
    const key = accountKey(start.workspaceId, start.accountId);
    const fenced = this.fence.get(key);
    if (fenced?.version === start.version && fenced.owner === owner)
      this.fence.set(key, { ...fenced, settleUntil: this.now() + settleMs });
  }

  async loadPendingVersions(refs: readonly AccountRef[]): Promise<Map<string, number>> {
    return new Map(
      refs.flatMap((ref) => {
        const entry = this.pending.get(accountKey(ref.workspaceId, ref.accountId));
        return entry ? [[accountKey(ref.workspaceId, ref.accountId), entry.version] as const] : [];
      }),
    );
  }

  async saveOutcomes(write: OutcomeWrite): Promise<void> {
    if (this.failSaves > 0) {
      this.failSaves -= 1;
      throw new DependencyUnavailableError('postgresql', 'database unavailable');
    }
    const refused = this.rejectSavesOf;
    if (refused && write.applied.some((state) => state.accountId === refused))
      throw new DatabaseRejectedError(
        '23514',
        'postgresql: saving batch outcomes was rejected (SQLSTATE 23514)',
      );
    for (const state of write.applied) {
      const key = accountKey(state.workspaceId, state.accountId);
      const existing = this.states.get(key);
      if (!existing || existing.appliedVersion < state.appliedVersion) this.states.set(key, state);
    }
    for (const resolved of write.resolvedPending) {
      const key = accountKey(resolved.workspaceId, resolved.accountId);
      const entry = this.pending.get(key);
      if (entry && entry.version <= resolved.upToVersion) this.pending.delete(key);
    }
    for (const entry of write.deferred) {
      const key = accountKey(entry.workspaceId, entry.accountId);
      const existing = this.pending.get(key);
      if (!existing || existing.version <= entry.version) {
        this.pending.set(
          key,
          existing
            ? {
                ...entry,
                firstFailedAt:
                  existing.firstFailedAt < entry.firstFailedAt ? existing.firstFailedAt : entry.firstFailedAt,
              }
            : entry,
        );
      }
    }
    this.failures.push(...write.failures);
    for (const [workspace, count] of write.skippedByWorkspace)
      this.skipped.set(workspace, (this.skipped.get(workspace) ?? 0) + count);
    for (const claim of write.releasedLeases?.claims ?? []) {
      const key = accountKey(claim.workspaceId, claim.accountId);
      const lease = this.leases.get(key);
      if (lease && lease.owner === write.releasedLeases?.owner && lease.version === claim.version)
        this.leases.delete(key);
    }
  }

  async duePending(
    partitions: readonly { topic: string; partition: number }[],
    now: Date,
    limit: number,
  ): Promise<PendingBackup[]> {
    return [...this.pending.values()]
      .filter((entry) =>
        partitions.some((p) => p.topic === entry.source.topic && p.partition === entry.source.partition),
      )
      .filter((entry) => entry.nextAttemptAt <= now)
      .slice(0, limit);
  }

  async expeditePending(workspaceIds: readonly string[]): Promise<number> {
    let count = 0;
    for (const [key, entry] of this.pending) {
      if (!workspaceIds.includes(entry.workspaceId) || entry.nextAttemptAt.getTime() <= this.now()) continue;
      if (entry.lastErrorClass !== 'unavailable' && entry.lastErrorClass !== 'throttled') continue;
      this.pending.set(key, { ...entry, nextAttemptAt: new Date(this.now()) });
      count += 1;
    }
    return count;
  }

  async postponePending(
    ref: AccountRef,
    version: number,
    nextAttemptAt: Date,
    failure?: BackupFailure,
  ): Promise<void> {
    const key = accountKey(ref.workspaceId, ref.accountId);
    const entry = this.pending.get(key);
    if (!entry || entry.version !== version) return;
    const failed = failure
      ? {
          attempts: entry.attempts + 1,
          lastErrorClass: failure.errorClass,
          lastErrorCode: failure.code,
          lastErrorMessage: failure.message,
        }
      : {};
    this.pending.set(key, { ...entry, nextAttemptAt, ...failed });
  }

  async pendingSummary(): Promise<PendingSummary> {
    const oldest = [...this.pending.values()]
      .map((entry) => entry.firstFailedAt)
      .sort((a, b) => a.getTime() - b.getTime())[0];
    return { count: this.pending.size, oldestFirstFailedAt: oldest ?? null, retryBudgetUsedRatio: 0 };
  }
}

export class FakeTargets implements WorkspaceTargetsPort {
  constructor(readonly workspaces = new Map<string, WorkspaceTarget>()) {}

  async activeTargets(ids: readonly string[]): Promise<Map<string, WorkspaceTarget>> {
    return new Map(
      ids.flatMap((id) => (this.workspaces.has(id) ? [[id, this.workspaces.get(id)!] as const] : [])),
    );
  }

  invalidate(): void {
    // Nothing cached.
  }
}

export class FakeGateway implements CyberArkGatewayPort {
  readonly tenants = new Map<string, FakeCyberArkAccounts>();
  readonly openCircuits = new Set<string>();
  readonly halfOpenCircuits = new Set<string>();

  accountsFor(workspace: ActiveWorkspace): CyberArkAccountsPort {
    return this.tenant(workspace.tenantKey);
  }

  circuitState(workspace: ActiveWorkspace): CircuitState {
    if (this.openCircuits.has(workspace.tenantKey)) return 'open';
    return this.halfOpenCircuits.has(workspace.tenantKey) ? 'half-open' : 'closed';
  }

  tenant(key: string): FakeCyberArkAccounts {
    let tenant = this.tenants.get(key);
    if (!tenant) {
      tenant = new FakeCyberArkAccounts();
      this.tenants.set(key, tenant);
    }
    return tenant;
  }
}

export class FakeDeadLetter implements DeadLetterPort {
  readonly published: { record: ConsumedRecord; failure: BackupFailure; context: DeadLetterContext }[] = [];

  async publish(
    record: ConsumedRecord,
    failure: BackupFailure,
    context: DeadLetterContext,
  ): Promise<DeliveredRecord> {
    this.published.push({ record, failure, context });
    return { topic: 'account-events.dlq', partition: 0, offset: String(this.published.length - 1) };
  }
}

/** Reversible but not encryption: unit tests only check that sealing happens and round-trips. */
export class FakeSealer implements RecordSealerPort {
  /** When set, `open` fails with it (e.g. the workspace's key cannot be reached). */
  openFailure: Error | undefined;

  /** `<purpose>:<workspace or ->:<base64>`: opening checks both bindings, as the cipher does. */
  async seal(record: ConsumedRecord, purpose: string, workspaceId: string | undefined): Promise<string> {
    return `${purpose}:${workspaceId ?? '-'}:${Buffer.from(serializeRecord(record)).toString('base64')}`;
  }

  async open(ciphertext: string, purpose: string, workspaceId: string | undefined): Promise<ConsumedRecord> {
    if (this.openFailure) throw this.openFailure;
    const [prefix, scope, body] = ciphertext.split(':');
    if (prefix !== purpose) throw new Error('wrong purpose');
    if (scope !== (workspaceId ?? '-')) throw new Error('wrong workspace');
    return deserializeRecord(Buffer.from(body ?? '', 'base64').toString('utf8'));
  }
}

export class FakeBatchControl implements BatchControl {
  committed: string | undefined;
  active = true;
  heartbeats = 0;

  async heartbeat(): Promise<void> {
    this.heartbeats += 1;
  }

  isActive(): boolean {
    return this.active;
  }

  async commit(lastProcessedOffset: string): Promise<void> {
    this.committed = lastProcessedOffset;
  }
}
