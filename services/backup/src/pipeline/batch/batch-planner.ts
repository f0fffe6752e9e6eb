import { type AccountEvent, decodeAccountEvent } from '@vault-backup/event-contract';
import { type ConsumedRecord } from '@vault-backup/kafka';
import { accountKey } from '../domain/account-snapshot';
import { type BackupFailure } from '../domain/backup-failure';
import { type BackupOutcome } from '../domain/backup-outcome';
import { type ActiveWorkspace, isUnusable, type WorkspaceTargetsPort } from '../ports/workspace-targets.port';
import { type BackupStateStore } from '../store/backup-state.store';
import { type AccountJob } from './account-job.runner';

/** A record of the batch with either its final outcome already known, or the job that decides it. */
export type PlannedRecord =
  | {
      readonly record: ConsumedRecord;
      readonly event?: AccountEvent;
      readonly outcome: BackupOutcome;
      /** The batch claimed this account's write lease and must release it. */
      readonly leaseClaimed?: boolean;
    }
  | { readonly record: ConsumedRecord; readonly event: AccountEvent; readonly job: AccountJob };

export interface WriteLeaseSettings {
  /** Identifies this process as a lease owner. */
  readonly owner: string;
  readonly ttlMs: number;
}

export const LEASE_HELD_FAILURE: BackupFailure = {
  errorClass: 'write-contention',
  code: 'WRITE_LEASE_HELD',
  message: 'another writer holds this account right now; parked until it is done',
  retriable: true,
};

/**
 * Decides as much as possible without calling CyberArk, with a constant number of database round
 * trips per batch: decode and validate every record, keep only the newest version of each account
 * (full-state snapshots make older ones in the same batch redundant), drop unconfigured workspaces,
 * claim write leases for the rest, and only then load their parked versions (so what a previous
 * lease holder parked is seen). What CyberArk holds is asked of the write fence when each write starts.
 */
export class BatchPlanner {
  constructor(
    private readonly targets: WorkspaceTargetsPort,
    private readonly store: BackupStateStore,
    private readonly lease: WriteLeaseSettings,
    private readonly now: () => number = Date.now,
  ) {}

  async plan(records: readonly ConsumedRecord[]): Promise<PlannedRecord[]> {
    const decoded = records.map((record) => ({ record, result: decodeAccountEvent(record) }));
    const newest = newestIndexPerAccount(decoded);
    const events = decoded.flatMap((entry) => (entry.result.ok ? [entry.result.event] : []));
    const workspaces = await this.targets.activeTargets([
      ...new Set(events.map((event) => event.data.workspaceId)),
    ]);
    const usable = (workspaceId: string): ActiveWorkspace | undefined => {
      const target = workspaces.get(workspaceId);
      return target && !isUnusable(target) ? target : undefined;
    };
    const candidates = [...newest.values()]
      .map((index) => (decoded[index]?.result as { event: AccountEvent }).event)
      .filter((event) => usable(event.data.workspaceId) !== undefined);
    const claims = candidates.map(({ data }) => ({
      workspaceId: data.workspaceId,
      accountId: data.accountId,
      version: data.version,
    }));
    const claimedAt = this.now();
    const claimed = await this.store.claimLeases(claims, this.lease.owner, this.lease.ttlMs);
    const refs = claims.filter((claim) => claimed.has(accountKey(claim.workspaceId, claim.accountId)));
    const pending = await this.store.loadPendingVersions(refs);
    const leaseDeadline = claimedAt + this.lease.ttlMs;

    return decoded.map(({ record, result }, index): PlannedRecord => {
      if (!result.ok) {
        const failure: BackupFailure = {
          errorClass: 'invalid-event',
          code: result.error.code,
          message: result.error.message,
          retriable: false,
        };
        return { record, outcome: { kind: 'failed', failure } };
      }
      const { event } = result;
      const key = accountKey(event.data.workspaceId, event.data.accountId);
      if (newest.get(key) !== index)
        return { record, event, outcome: { kind: 'superseded', reason: 'newer-in-batch' } };
      const target = workspaces.get(event.data.workspaceId);
      if (!target) return { record, event, outcome: { kind: 'skipped', reason: 'no-active-configuration' } };
      if (isUnusable(target))
        return { record, event, outcome: { kind: 'deferred', failure: target.unusable } };
      const workspace = target;
      if (!claimed.has(key))
        return { record, event, outcome: { kind: 'deferred', failure: LEASE_HELD_FAILURE } };
      // This version or a newer one is parked: the retry worker writes it. It must not resolve the
      // parked entry (a redelivery of the parked version would delete the only copy of it).
      const parkedVersion = pending.get(key);
      if (parkedVersion !== undefined && parkedVersion >= event.data.version) {
        return {
          record,
          event,
          outcome: { kind: 'superseded', reason: 'already-parked' },
          leaseClaimed: true,
        };
      }
      return { record, event, job: { event, workspace, leaseDeadline } };
    });
  }
}

/** Index of the record carrying the highest version per account; on equal versions the later offset wins. */
function newestIndexPerAccount(
  decoded: readonly { result: ReturnType<typeof decodeAccountEvent> }[],
): Map<string, number> {
  const newest = new Map<string, { index: number; version: number }>();
  decoded.forEach(({ result }, index) => {
    if (!result.ok) return;
    const { workspaceId, accountId, version } = result.event.data;
    const key = accountKey(workspaceId, accountId);
    const current = newest.get(key);
    if (!current || version >= current.version) newest.set(key, { index, version });
  });
  return new Map([...newest].map(([key, { index }]) => [key, index]));
}
