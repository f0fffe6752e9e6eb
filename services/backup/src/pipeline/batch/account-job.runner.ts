import { AppError } from '@vault-backup/errors';
import { type AccountEvent } from '@vault-backup/event-contract';
import { accountKey } from '../domain/account-snapshot';
import { toBackupFailure } from '../domain/backup-failure';
import { type BackupOutcome } from '../domain/backup-outcome';
import { type AccountFingerprint } from '../mapping/account-fingerprint';
import { backupAccountName } from '../mapping/account-name';
import { toDesiredAccount } from '../mapping/backup-account.mapper';
import { type CyberArkGatewayPort } from '../ports/cyberark-gateway.port';
import { type SecretsResolverPort } from '../ports/secrets-resolver.port';
import { type ActiveWorkspace } from '../ports/workspace-targets.port';
import { type AccountRef, type GrantedWrite } from '../store/backup-state.types';
import { type AccountBase, type AccountWriter } from '../writer/account.writer';
import { type TenantConcurrencyLimiter } from './concurrency-limiter';
import { type WriteFence } from './write-fence';

export interface AccountJob {
  readonly event: AccountEvent;
  readonly workspace: ActiveWorkspace;
  /** Local time (ms) at which this job's write lease may already have expired; no write may end later. */
  readonly leaseDeadline: number;
}

export const CIRCUIT_OPEN_FAILURE = {
  errorClass: 'unavailable',
  code: 'CIRCUIT_OPEN',
  message: 'CyberArk tenant circuit is open; parked until it recovers',
  retriable: true,
} as const;

export const TENANT_STALLED_FAILURE = {
  errorClass: 'unavailable',
  code: 'TENANT_STALLED',
  message: 'CyberArk tenant is not answering in time; parked until its pending writes finish',
  retriable: true,
} as const;

/** The write lease would expire before a write could finish (the job queued too long): try again later. */
export class WriteLeaseExpiredError extends AppError {
  readonly code = 'WRITE_LEASE_EXPIRED';
  readonly retriable = true;
  readonly errorClass = 'write-contention';
}

interface WrittenState {
  readonly version: number;
  readonly cyberArkAccountId: string;
  readonly fingerprint: AccountFingerprint;
  /** True once PostgreSQL holds this state (kept only while a write of the account is queued). */
  readonly persisted: boolean;
}

export interface AccountJobRunnerSettings {
  /** Owner id of this process's writes, as recorded by the write fence. */
  readonly owner: string;
  /** The longest one CyberArk write can take, retries included. */
  readonly writeDeadlineMs: number;
  /** Bound on remembered written versions (they are forgotten once persisted). */
  readonly maxRememberedVersions?: number;
}

/**
 * Backs up one account at one version: the step shared by the batch processor and the retry
 * worker. Writes to one account are serialised in a lane, and a version never overtakes a higher
 * one written by this process (created and updated events of an account arrive on two topics, so
 * two batches may carry the same account at once).
 */
export class AccountJobRunner {
  private readonly lanes = new Map<string, Promise<BackupOutcome>>();
  /**
   * The newest state this process wrote per account, until it is persisted: it tells a later write
   * exactly what CyberArk holds when the fence says our own write came last but its outcome is not
   * stored yet (a late write), sparing a read-back.
   */
  private readonly written = new Map<string, WrittenState>();
  /** Tenants with writes still running past a batch deadline, with how many. */
  private readonly stalled = new Map<string, number>();
  /** Smoothed duration of each tenant's successful writes (ms). */
  private readonly typicalWriteMs = new Map<string, number>();

  constructor(
    private readonly gateway: CyberArkGatewayPort,
    private readonly secrets: SecretsResolverPort,
    private readonly writer: AccountWriter,
    private readonly fence: WriteFence,
    private readonly limiter: TenantConcurrencyLimiter,
    private readonly settings: AccountJobRunnerSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** `onStart` fires when the write gets its concurrency slot (queueing is not slowness). */
  run(job: AccountJob, onStart?: () => void): Promise<BackupOutcome> {
    const key = accountKey(job.event.data.workspaceId, job.event.data.accountId);
    const previous = this.lanes.get(key);
    const current = (previous ?? Promise.resolve()).then(() => this.runNow(job, key, onStart));
    this.lanes.set(key, current);
    void current.finally(() => {
      if (this.lanes.get(key) === current) this.lanes.delete(key);
    });
    return current;
  }

  /**
   * Records that one of the tenant's writes outlived a batch's patience and is still running. Until
   * it ends, the tenant counts as stalled and its new writes are parked at once instead of queueing
   * (and holding their batches) behind it.
   */
  markStalled(tenantKey: string, running: Promise<unknown>): void {
    this.stalled.set(tenantKey, (this.stalled.get(tenantKey) ?? 0) + 1);
    void running.finally(() => {
      const left = (this.stalled.get(tenantKey) ?? 1) - 1;
      if (left > 0) this.stalled.set(tenantKey, left);
      else this.stalled.delete(tenantKey);
    });
  }

  /**
   * How long a batch should wait for one of the tenant's writes before parking it: a few times what
   * the tenant usually takes, within [min, max]. A tenant that turns slow is detected in a fraction
   * of a second instead of after the fixed maximum.
   */
  parkDeadlineFor(tenantKey: string, bounds: { minMs: number; maxMs: number }): number {
    const typical = this.typicalWriteMs.get(tenantKey);
    if (typical === undefined) return bounds.maxMs;
    return Math.min(bounds.maxMs, Math.max(bounds.minMs, Math.round(typical * 5)));
  }

  /** True while a write of the account is queued or in flight in this process. */
  isBusy(ref: AccountRef): boolean {
    return this.lanes.has(accountKey(ref.workspaceId, ref.accountId));
  }

  /** Called once applied states are stored: PostgreSQL now guards those versions. */
  forgetPersisted(
    states: readonly { workspaceId: string; accountId: string; appliedVersion: number }[],
  ): void {
    for (const state of states) {
      const key = accountKey(state.workspaceId, state.accountId);
      const written = this.written.get(key);
      if (!written || written.version > state.appliedVersion) continue;
      if (this.lanes.has(key)) this.written.set(key, { ...written, persisted: true });
      else this.written.delete(key);
    }
  }

  private async runNow(job: AccountJob, key: string, onStart?: () => void): Promise<BackupOutcome> {
    const written = this.written.get(key);
    if (written && written.version >= job.event.data.version) return alreadyWritten(job, written);
    if (this.gateway.isCircuitOpen(job.workspace)) return { kind: 'deferred', failure: CIRCUIT_OPEN_FAILURE };
    if (this.stalled.has(job.workspace.tenantKey))
      return { kind: 'deferred', failure: TENANT_STALLED_FAILURE };
    try {
      const outcome = await this.limiter.run(job.workspace.tenantKey, () => {
        onStart?.();
        return this.timed(job, key);
      });
      if (outcome.kind === 'applied') this.remember(key, job.event.data.version, outcome);
      return outcome;
    } catch (error) {
      const failure = toBackupFailure(error);
      return failure.retriable ? { kind: 'deferred', failure } : { kind: 'failed', failure };
    }
  }

  private async timed(job: AccountJob, key: string): Promise<BackupOutcome> {
    const started = this.now();
    const outcome = await this.write(job, key);
    const elapsed = this.now() - started;
    const previous = this.typicalWriteMs.get(job.workspace.tenantKey);
    this.typicalWriteMs.set(
      job.workspace.tenantKey,
      previous === undefined ? elapsed : previous * 0.9 + elapsed * 0.1,
    );
    return outcome;
  }

  /**
   * Writes only if the fence, taken now, says no newer version of the account was started or stored:
   * whatever was planned earlier, by whichever path, an older version never lands after a newer one.
   */
  private async write({ event, workspace, leaseDeadline }: AccountJob, key: string): Promise<BackupOutcome> {
    const secrets = await this.secrets.resolve(event, workspace);
    const desired = toDesiredAccount(event.data, secrets, workspace.target);
    if (this.now() + this.settings.writeDeadlineMs > leaseDeadline) {
      throw new WriteLeaseExpiredError('the write lease would expire before the write could finish');
    }
    const { workspaceId, accountId, version } = event.data;
    const grant = await this.fence.begin({ workspaceId, accountId, version });
    if (!grant) return { kind: 'superseded', reason: 'newer-version-started' };
    const base = this.baseOf(key, grant);
    const result = await this.writer.apply(this.gateway.accountsFor(workspace), desired, base);
    return {
      kind: 'applied',
      writes: result.writes,
      cyberArkAccountId: result.cyberArkAccountId,
      cyberArkName: desired.name,
      fingerprint: result.fingerprint,
    };
  }

  /** What CyberArk holds before this write, as far as the fence, the store and this process know. */
  private baseOf(key: string, { stored, prior }: GrantedWrite): AccountBase {
    const storedVersion = stored?.appliedVersion ?? 0;
    const storedId = stored?.cyberArkAccountId ?? undefined;
    if (!prior || prior.version <= storedVersion) {
      return stored && storedId
        ? { kind: 'known', cyberArkAccountId: storedId, fingerprint: stored.fingerprint }
        : stored
          ? { kind: 'uncertain' }
          : { kind: 'absent' };
    }
    // A write started after the stored state. If it was this process's and it is remembered, its
    // result is exact; otherwise its outcome is unknown and CyberArk must be asked.
    const written = this.written.get(key);
    if (written && written.version === prior.version && prior.owner === this.settings.owner)
      return {
        kind: 'known',
        cyberArkAccountId: written.cyberArkAccountId,
        fingerprint: written.fingerprint,
      };
    const id = written?.cyberArkAccountId ?? storedId;
    return id ? { kind: 'uncertain', cyberArkAccountId: id } : { kind: 'uncertain' };
  }

  private remember(
    key: string,
    version: number,
    outcome: { cyberArkAccountId: string; fingerprint: AccountFingerprint },
  ): void {
    if ((this.written.get(key)?.version ?? 0) < version) {
      this.written.set(key, {
        version,
        cyberArkAccountId: outcome.cyberArkAccountId,
        fingerprint: outcome.fingerprint,
        persisted: false,
      });
    }
    const limit = this.settings.maxRememberedVersions ?? 100_000;
    if (this.written.size > limit) {
      const oldest = this.written.keys().next().value;
      if (oldest !== undefined) this.written.delete(oldest);
    }
  }
}

/**
 * This process already wrote this version or a newer one. The same version whose outcome is not
 * stored yet (a late write whose save failed) is reported applied with no write, so the caller
 * stores it; anything else is superseded.
 */
function alreadyWritten(job: AccountJob, written: WrittenState): BackupOutcome {
  if (written.persisted || written.version > job.event.data.version)
    return { kind: 'superseded', reason: 'already-applied' };
  const { workspaceId, accountId } = job.event.data;
  return {
    kind: 'applied',
    writes: 0,
    cyberArkAccountId: written.cyberArkAccountId,
    cyberArkName: backupAccountName(workspaceId, accountId),
    fingerprint: written.fingerprint,
  };
}
