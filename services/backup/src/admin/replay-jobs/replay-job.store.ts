import { type AuditEntryInput } from '../audit/audit-entry';
import { type BackupFailure } from '../failures/backup-failure';
import {
  type FailureFilter,
  type ReplayItem,
  type ReplayItemReason,
  type ReplayItemState,
  type ReplayJob,
  type ReplayJobKind,
  type ReplayJobStatus,
  type ReplayOutcome,
  type ReplaySelection,
  type JobActor,
} from './replay-job';

/** An item as chosen for a new job: to replay, or skipped from the start with its reason. */
export interface PlannedItem {
  readonly failureId: string | null;
  readonly workspaceId: string | null;
  readonly accountId: string | null;
  readonly version: string | null;
  readonly errorClass: string | null;
  readonly errorCode: string | null;
  /** A dead letter's original record, sealed like a failure's (dead-letter jobs only). */
  readonly recordCiphertext?: string;
  readonly recordWorkspaceId?: string | null;
  /** Where it came from, for the report: `dlq:<topic>/<partition>/<offset>`. */
  readonly source?: string;
  readonly skip?: ReplayItemReason;
}

export interface NewReplayJob {
  readonly kind: ReplayJobKind;
  readonly scope: string;
  readonly workspaceId: string | null;
  readonly selection: ReplaySelection;
  readonly ratePerSecond: number;
  readonly createdBy: JobActor;
}

/** The failures chosen by a selection, resolved to each account's newest open failure. */
export interface FailureSelection {
  readonly items: PlannedItem[];
  /** Requested ids that are not failures of this workspace. */
  readonly unknownIds: string[];
}

/** A to-do item with what it replays, locked for the batch that handles it. */
export interface DueItem {
  readonly seq: number;
  /** The failure to replay now: the account's newest open one, which may be newer than when planned. */
  readonly failure: BackupFailure | null;
  /** Sealed original of a dead-letter item. */
  readonly recordCiphertext: string | null;
  readonly recordWorkspaceId: string | null;
  /** `dlq:<topic>/<partition>/<offset>` for a dead-letter item: its `vb-replay-of`. */
  readonly source: string | null;
  /** Set when there is nothing to write any more. */
  readonly skip: ReplayItemReason | null;
}

export interface HandledItem {
  readonly seq: number;
  readonly state: Exclude<ReplayItemState, 'to-do'>;
  readonly reason?: ReplayItemReason;
  /** The failure that was replayed (may differ from the planned one: a newer version of the account). */
  readonly failure?: Pick<BackupFailure, 'id' | 'version'>;
  readonly deliveredTo?: { readonly topic: string; readonly partition: number; readonly offset: string };
}

/** One batch of a running job, inside the transaction that holds its row and its items' rows. */
export interface ReplayBatch {
  readonly job: ReplayJob;
  readonly due: readonly DueItem[];
}

export type BatchResult = { readonly handled: number; readonly finished: boolean } | 'not-running';

export interface ClaimedJob {
  readonly id: string;
  readonly kind: ReplayJobKind;
  readonly ratePerSecond: number;
  readonly workspaceId: string | null;
}

/** A replayed item and where its record was delivered. */
export interface DeliveredItem {
  readonly seq: number;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface JobPosition {
  readonly createdAtMicros: string;
  readonly id: string;
}

export interface ReplayJobStore {
  /** Every open failure matching the filter, one per account (the newest), at most `limit` + 1. */
  /** `workspaceId` null: the failures attributed to no workspace (operators). */
  selectByFilter(workspaceId: string | null, filter: FailureFilter, limit: number): Promise<PlannedItem[]>;
  selectByIds(workspaceId: string | null, ids: readonly string[]): Promise<FailureSelection>;
  failures(ids: readonly string[]): Promise<BackupFailure[]>;
  /** Appends audit entries on their own (a dry run changes nothing else). */
  audit(entries: readonly AuditEntryInput[]): Promise<void>;
  /**
   * Inserts the job and its items and audits it, in one transaction. Null when a job is already
   * running in the scope (the unique index decides, so two concurrent creates cannot both win).
   */
  create(
    job: NewReplayJob,
    items: readonly PlannedItem[],
    audit: AuditEntryInput[],
  ): Promise<ReplayJob | null>;
  find(jobId: string): Promise<ReplayJob | null>;
  running(scope: string): Promise<ReplayJob | null>;
  page(options: {
    /** Only the jobs of this workspace (failures of it, or its dead letters). */
    workspaceId?: string;
    status?: ReplayJobStatus;
    after?: JobPosition;
    limit: number;
  }): Promise<{ items: ReplayJob[]; next: JobPosition | null }>;
  items(
    jobId: string,
    options: { state?: ReplayItemState; outcome?: ReplayOutcome; afterSeq?: number; limit: number },
  ): Promise<{ items: ReplayItem[]; next: number | null }>;
  /** running → cancelled; null when the job is not running. Waits for a batch in progress to commit. */
  cancel(
    jobId: string,
    actor: JobActor,
    audit: (job: ReplayJob) => AuditEntryInput,
  ): Promise<ReplayJob | null>;
  /** cancelled → running; 'active' when another job of the scope runs, null when not cancelled. */
  resume(jobId: string, audit: (job: ReplayJob) => AuditEntryInput): Promise<ReplayJob | 'active' | null>;
  /** The replayed items whose outcome is not known yet (no write, failure or parked retry of them). */
  inFlight(jobId: string): Promise<DeliveredItem[]>;
  /** Leases up to `limit` running jobs that no live replica holds (or that `owner` holds already). */
  claim(owner: string, leaseMs: number, limit: number): Promise<ClaimedJob[]>;
  /** Gives up the lease (shutdown), so another replica continues at once. */
  release(owner: string): Promise<void>;
  /**
   * Runs one batch of a job this owner leases: locks the job row (a cancel waits for the batch),
   * its next `limit` to-do items and their failures; `work` says how each was handled; the items and
   * failures are updated and, when nothing is left, the job completes and is audited. 'not-running'
   * when the job was cancelled or the lease lost.
   */
  runBatch(
    jobId: string,
    owner: string,
    options: { limit: number; leaseMs: number },
    work: (batch: ReplayBatch) => Promise<HandledItem[]>,
  ): Promise<BatchResult>;
}
