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
import { type AccountRef, type AccountState } from '../store/backup-state.types';
import { type AccountWriter } from '../writer/account.writer';
import { type TenantConcurrencyLimiter } from './concurrency-limiter';

export interface AccountJob {
  readonly event: AccountEvent;
  readonly workspace: ActiveWorkspace;
  readonly state: AccountState | undefined;
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
  readonly cyberArkAccountId: string | null;
  readonly fingerprint: AccountFingerprint;
}

interface KnownState extends WrittenState {
  /** True when PostgreSQL holds this state; false when only this process's memory does. */
  readonly persisted: boolean;
}

export interface AccountJobRunnerSettings {
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
   * The newest state this process wrote per account, until it is persisted: a later job of the same
   * account (possibly planned before that write) must diff against it, not against older stored state.
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
      if ((this.written.get(key)?.version ?? 0) <= state.appliedVersion && !this.lanes.has(key))
        this.written.delete(key);
    }
  }

  private async runNow(job: AccountJob, key: string, onStart?: () => void): Promise<BackupOutcome> {
    const version = job.event.data.version;
    const known = this.newestKnown(job, key);
    if (known && known.version >= version) return this.alreadyWritten(job, known);
    if (this.gateway.isCircuitOpen(job.workspace)) return { kind: 'deferred', failure: CIRCUIT_OPEN_FAILURE };
    if (this.stalled.has(job.workspace.tenantKey))
      return { kind: 'deferred', failure: TENANT_STALLED_FAILURE };
    try {
      const outcome = await this.limiter.run(job.workspace.tenantKey, () => {
        onStart?.();
        return this.timed(job, known);
      });
      if (outcome.kind === 'applied') {
        this.remember(key, {
          version,
          cyberArkAccountId: outcome.cyberArkAccountId,
          fingerprint: outcome.fingerprint,
        });
      }
      return outcome;
    } catch (error) {
      const failure = toBackupFailure(error);
      return failure.retriable ? { kind: 'deferred', failure } : { kind: 'failed', failure };
    }
  }

  private async timed(job: AccountJob, known: WrittenState | undefined): Promise<BackupOutcome> {
    const started = this.now();
    const outcome = await this.write(job, known);
    const elapsed = this.now() - started;
    const previous = this.typicalWriteMs.get(job.workspace.tenantKey);
    this.typicalWriteMs.set(
      job.workspace.tenantKey,
      previous === undefined ? elapsed : previous * 0.9 + elapsed * 0.1,
    );
    return outcome;
  }

  /**
   * This version (or a newer one) is already in CyberArk. If only this process knows it (the write's
   * own outcome may never have been stored, e.g. a late write whose save failed), report it applied
   * with no write, so that the caller stores it; otherwise it is superseded.
   */
  private alreadyWritten(job: AccountJob, known: KnownState): BackupOutcome {
    const storedVersion = job.state?.appliedVersion ?? 0;
    if (known.persisted || storedVersion >= job.event.data.version || !known.cyberArkAccountId) {
      return { kind: 'superseded', reason: 'already-applied' };
    }
    const { workspaceId, accountId } = job.event.data;
    return {
      kind: 'applied',
      writes: 0,
      cyberArkAccountId: known.cyberArkAccountId,
      cyberArkName: backupAccountName(workspaceId, accountId),
      fingerprint: known.fingerprint,
    };
  }

  private newestKnown(job: AccountJob, key: string): KnownState | undefined {
    const written = this.written.get(key);
    const stored = job.state;
    if (written && (!stored || written.version >= stored.appliedVersion))
      return { ...written, persisted: false };
    if (!stored) return undefined;
    return {
      version: stored.appliedVersion,
      cyberArkAccountId: stored.cyberArkAccountId,
      fingerprint: stored.fingerprint,
      persisted: true,
    };
  }

  private async write(
    { event, workspace, leaseDeadline }: AccountJob,
    current: WrittenState | undefined,
  ): Promise<BackupOutcome> {
    const secrets = await this.secrets.resolve(event, workspace);
    const desired = toDesiredAccount(event.data, secrets, workspace.target);
    if (this.now() + this.settings.writeDeadlineMs > leaseDeadline) {
      throw new WriteLeaseExpiredError('the write lease would expire before the write could finish');
    }
    const known = current?.cyberArkAccountId
      ? { cyberArkAccountId: current.cyberArkAccountId, fingerprint: current.fingerprint }
      : undefined;
    const result = await this.writer.apply(this.gateway.accountsFor(workspace), desired, known);
    return {
      kind: 'applied',
      writes: result.writes,
      cyberArkAccountId: result.cyberArkAccountId,
      cyberArkName: desired.name,
      fingerprint: result.fingerprint,
    };
  }

  private remember(key: string, state: WrittenState): void {
    if ((this.written.get(key)?.version ?? 0) < state.version) this.written.set(key, state);
    const limit = this.settings.maxRememberedVersions ?? 100_000;
    if (this.written.size > limit) {
      const oldest = this.written.keys().next().value;
      if (oldest !== undefined) this.written.delete(oldest);
    }
  }
}
