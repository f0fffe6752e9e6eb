import { type ProblemKind } from './problem-catalogue';

/** An account whose newest version is not in the safe: an open failure record or a parked backup. */
export interface Problem {
  readonly kind: ProblemKind;
  /** Null for a dead letter attributed to no workspace. */
  readonly workspaceId: string | null;
  readonly accountId: string | null;
  readonly version: string | null;
  /** The failure record to replay (failed only). */
  readonly failureId: string | null;
  readonly error: { readonly class: string; readonly code: string | null; readonly message: string };
  readonly attempts: number;
  readonly firstFailedAt: Date;
  readonly lastFailedAt: Date;
  /** Parked only: when the pipeline tries again by itself. */
  readonly nextAttemptAt: Date | null;
  /** The workspace's targets, named in the advice (null once its configuration is gone). */
  readonly safeName: string | null;
  readonly platformId: string | null;
  /** Microseconds since the epoch, as a decimal string: the exact page position. */
  readonly firstFailedMicros: string;
  readonly itemKey: string;
}

/** How many problems of one error class. */
export interface ClassCount {
  readonly errorClass: string;
  readonly failed: number;
  readonly parked: number;
}

/** One workspace's problems, for operators. */
export interface WorkspaceProblems {
  readonly workspaceId: string;
  readonly failed: number;
  readonly parked: number;
  readonly oldestFailedAt: Date;
  readonly lastFailedAt: Date;
  readonly byClass: readonly ClassCount[];
}
