export const REPLAY_JOB_STATUSES = ['running', 'cancelled', 'completed'] as const;
export type ReplayJobStatus = (typeof REPLAY_JOB_STATUSES)[number];

export const REPLAY_ITEM_STATES = ['to-do', 'replayed', 'skipped', 'failed'] as const;
export type ReplayItemState = (typeof REPLAY_ITEM_STATES)[number];

/** Why an item was skipped (nothing to write) or failed (could not be produced). */
export type ReplayItemReason =
  | 'superseded'
  | 'already-replayed'
  | 'record-too-large'
  | 'record-unreadable'
  | 'produce-rejected'
  | 'original-omitted';

/**
 * What became of a replayed item, read when asked: `not-written` when the consumer has processed it
 * (its group committed past it) without a write, a failure or a parked retry — the backup was turned
 * off meanwhile, so the pipeline only counted it as skipped.
 */
export const REPLAY_OUTCOMES = ['applied', 'failed-again', 'parked', 'in-flight', 'not-written'] as const;
export type ReplayOutcome = (typeof REPLAY_OUTCOMES)[number];

/** Filters over a workspace's open failures, as the problems view applies them. */
export interface FailureFilter {
  readonly errorClass?: string;
  readonly code?: string;
  readonly accountId?: string;
  readonly from?: string;
  readonly to?: string;
}

/** Which dead letters a dead-letter replay takes: one partition's offset range, optionally one workspace's. */
export interface DeadLetterRange {
  readonly topic?: string;
  readonly partition: number;
  readonly fromOffset: string;
  readonly toOffset: string;
  readonly workspaceId?: string;
  readonly unattributed?: boolean;
}

export type ReplaySelection =
  | { readonly failureIds: readonly string[] }
  | { readonly filter: FailureFilter }
  | { readonly deadLetters: DeadLetterRange };

export type ReplayJobKind = 'failures' | 'dead-letter';

/** Who started, cancelled or resumed a job. */
export interface JobActor {
  readonly sub: string;
  /** A role of the API, or `system` for the service itself. */
  readonly role: string;
}

export interface ReplayProgress {
  readonly total: number;
  readonly replayed: number;
  readonly skipped: number;
  readonly failed: number;
  readonly toDo: number;
}

export interface ReplayOutcomeCounts {
  readonly applied: number;
  readonly failedAgain: number;
  readonly parked: number;
  readonly inFlight: number;
  readonly notWritten: number;
}

export interface ReplayJob {
  readonly id: string;
  readonly kind: ReplayJobKind;
  /** The workspace id, or `~dead-letters` for a dead-letter job across workspaces. */
  readonly scope: string;
  readonly workspaceId: string | null;
  readonly status: ReplayJobStatus;
  readonly selection: ReplaySelection;
  readonly ratePerSecond: number;
  readonly createdBy: JobActor;
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
  readonly cancelledAt: Date | null;
  readonly cancelledBy: string | null;
  readonly progress: ReplayProgress;
  readonly outcome: ReplayOutcomeCounts;
}

/** One account's line in a job (or one unattributed failure's). */
export interface ReplayItem {
  readonly seq: number;
  readonly failureId: string | null;
  readonly workspaceId: string | null;
  readonly accountId: string | null;
  readonly version: string | null;
  readonly errorClass: string | null;
  readonly errorCode: string | null;
  readonly source: string | null;
  readonly state: ReplayItemState;
  readonly reason: ReplayItemReason | null;
  readonly outcome: ReplayOutcome | null;
  readonly outcomeCode: string | null;
  readonly deliveredTo: {
    readonly topic: string;
    readonly partition: number;
    readonly offset: string;
  } | null;
  readonly handledAt: Date | null;
}

/** The scope of jobs that name no workspace: a workspace id can never start with `~`. */
export const DEAD_LETTER_SCOPE = '~dead-letters';
