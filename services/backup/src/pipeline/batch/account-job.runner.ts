import { AppError } from '@vault-backup/errors';
import { type AccountEvent } from '@vault-backup/event-contract';
import { accountKey } from '../domain/account-snapshot';
import { type BackupFailure, toBackupFailure } from '../domain/backup-failure';
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
import { type TenantHealth, TENANT_STALLED_FAILURE, TenantStalledSignal } from './tenant-health';
import { type WriteFence } from './write-fence';

export interface AccountJob {
  readonly event: AccountEvent;
  readonly workspace: ActiveWorkspace;
  /** Local time (ms) at which this job's write lease may already have expired; no write may end later. */
  readonly leaseDeadline: number;
  /**
   * May be the trial call of a tenant whose breaker is half-open. The retry worker's jobs may; a
   * batch's never are, so no batch (and no other tenant's record in it) waits on a tenant that was down.
   */
  readonly mayProbe?: boolean;
}

/** An earlier write of the account may still land; try again once it has settled. */
function settling(waitMs: number): BackupFailure {
  return {
    errorClass: 'write-contention',
    code: 'ABANDONED_WRITE_SETTLING',
    message:
      'an earlier write of this account got no answer and may still land in CyberArk; waiting for it to settle',
    retriable: true,
    retryAfterMs: waitMs,
  };
}

function mayStillLand(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { mayStillLand?: unknown }).mayStillLand === true
  );
}

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
  private readonly lanes = new Map<string, { done: Promise<BackupOutcome>; writing: Promise<void> }>();
  /**
   * The newest state this process wrote per account, until it is persisted: it tells a later write
   * exactly what CyberArk holds when the fence says our own write came last but its outcome is not
   * stored yet (a late write), sparing a read-back.
   */
  private readonly written = new Map<string, WrittenState>();
  constructor(
    private readonly gateway: CyberArkGatewayPort,
    private readonly secrets: SecretsResolverPort,
    private readonly writer: AccountWriter,
    private readonly fence: WriteFence,
    private readonly limiter: TenantConcurrencyLimiter,
    private readonly health: TenantHealth,
    private readonly settings: AccountJobRunnerSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** Called with the workspaces of a tenant that answers again after an outage. */
  onTenantRecovered(listener: (workspaceIds: readonly string[]) => void): void {
    this.health.onRecovered(listener);
  }

  /**
   * `onWaitingOnTenant(true)` says the job is now waiting on CyberArk — its own write got its
   * tenant's concurrency slot, or the write of the same account it is queued behind is in progress —
   * and `(false)` that it is waiting for a slot again (throughput, not slowness). Callers time the
   * former only.
   */
  run(job: AccountJob, onWaitingOnTenant?: (waiting: boolean) => void): Promise<BackupOutcome> {
    const key = accountKey(job.event.data.workspaceId, job.event.data.accountId);
    const previous = this.lanes.get(key);
    if (previous) {
      // Behind another write of this account at a tenant that is down, waiting helps nobody: park now.
      const unavailable = this.health.unavailable(job.workspace, job.mayProbe === true);
      if (unavailable) return Promise.resolve(this.noted(job, { kind: 'deferred', failure: unavailable }));
      let previousDone = false;
      void previous.done.then(() => {
        previousDone = true;
        onWaitingOnTenant?.(false);
      });
      void previous.writing.then(() => {
        if (!previousDone) onWaitingOnTenant?.(true);
      });
    }
    let markWriting!: () => void;
    const writing = new Promise<void>((resolve) => (markWriting = resolve));
    const done = (previous?.done ?? Promise.resolve()).then(() =>
      this.runNow(job, key, () => {
        markWriting();
        onWaitingOnTenant?.(true);
      }),
    );
    const lane = { done, writing };
    this.lanes.set(key, lane);
    void done.finally(() => {
      markWriting();
      if (this.lanes.get(key) === lane) this.lanes.delete(key);
    });
    return done;
  }

  /** How long a caller should wait for one of the tenant's writes before parking it (see TenantHealth). */
  parkDeadlineFor(tenantKey: string): number {
    return this.health.parkDeadlineFor(tenantKey);
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
    return this.noted(job, await this.decide(job, key, onStart));
  }

  private noted(job: AccountJob, outcome: BackupOutcome): BackupOutcome {
    this.health.note(job.workspace, outcome);
    return outcome;
  }

  private async decide(job: AccountJob, key: string, onStart?: () => void): Promise<BackupOutcome> {
    const written = this.written.get(key);
    if (written && written.version >= job.event.data.version) return alreadyWritten(job, written);
    const unavailable = this.health.unavailable(job.workspace, job.mayProbe === true);
    if (unavailable) return { kind: 'deferred', failure: unavailable };
    try {
      const tenantKey = job.workspace.tenantKey;
      const outcome = await this.limiter.run(
        tenantKey,
        () => {
          onStart?.();
          return this.health.watch(tenantKey, () => this.write(job, key));
        },
        this.health.queueSignal(tenantKey),
      );
      if (outcome.kind === 'applied') this.remember(key, job.event.data.version, outcome);
      return outcome;
    } catch (error) {
      if (error instanceof TenantStalledSignal) return { kind: 'deferred', failure: TENANT_STALLED_FAILURE };
      const failure = toBackupFailure(error);
      return failure.retriable ? { kind: 'deferred', failure } : { kind: 'failed', failure };
    }
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
    const start = { workspaceId, accountId, version };
    const answer = await this.fence.begin(start);
    if (!answer) return { kind: 'superseded', reason: 'newer-version-started' };
    if (answer.kind === 'settling') return { kind: 'deferred', failure: settling(answer.waitMs) };
    const base = this.baseOf(key, answer);
    const result = await this.writer
      .apply(this.gateway.accountsFor(workspace), desired, base)
      .catch(async (error: unknown) => {
        // Abandoned without an answer: it may still land, so nothing newer may go before it settles.
        if (mayStillLand(error)) await this.fence.settle(start);
        throw error;
      });
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
    if (written && written.version === prior.version && prior.owner === this.fence.owner)
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
