/** The shapes the CLI reads from the admin API (a subset: fields it prints or decides on). */

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

export interface Counters {
  readonly openFailures: number;
  readonly skippedEvents: number;
  readonly lastSkippedAt: string | null;
}

export interface VaultBackup {
  readonly workspaceId: string;
  readonly status: string;
  readonly connection: { readonly identityTenantUrl: string; readonly privilegeCloudUrl: string } | null;
  readonly targets: { readonly safeName: string; readonly platformId: string } | null;
  readonly lastCheck: { readonly outcome: string; readonly checkedAt: string } | null;
  readonly validatedAt: string | null;
  readonly enabledAt: string | null;
  readonly counters: Counters;
}

export interface VaultBackupSummary {
  readonly workspaceId: string;
  readonly status: string;
  readonly enabledAt: string | null;
  readonly updatedAt: string;
  readonly counters: Counters;
}

export interface ClassCount {
  readonly errorClass: string;
  readonly failed: number;
  readonly parked: number;
  readonly total: number;
}

export interface ProblemCounts {
  readonly total: number;
  readonly failed: number;
  readonly parked: number;
  readonly byClass: ClassCount[];
}

export interface Problem {
  readonly kind: string;
  readonly accountId: string | null;
  readonly version: string | null;
  readonly failureId: string | null;
  readonly error: { readonly class: string; readonly code: string | null; readonly message: string };
  readonly action: string;
  readonly attempts: number;
  readonly lastFailedAt: string;
  readonly nextAttemptAt: string | null;
}

export interface ProblemPage extends Page<Problem> {
  readonly counts: ProblemCounts;
}

export interface WorkspaceProblems {
  readonly workspaceId: string;
  readonly failed: number;
  readonly parked: number;
  readonly total: number;
  readonly lastFailedAt: string;
  readonly byClass: ClassCount[];
}

export interface WorkspaceProblemsPage extends Page<WorkspaceProblems> {
  readonly counts: ProblemCounts;
  readonly unattributed: ProblemCounts;
}

export interface AuditEntry {
  readonly id: string;
  readonly action: string;
  readonly actor: { readonly sub: string; readonly role: string };
  readonly details: Record<string, unknown>;
  readonly occurredAt: string;
}

export interface ReplayPlanItem {
  readonly failureId?: string;
  readonly accountId: string | null;
  readonly version: string | null;
  readonly errorClass?: string;
  readonly code?: string | null;
  readonly action: 'replay' | 'skip';
  readonly reason?: string;
}

export interface ReplayPlan {
  readonly dryRun: true;
  readonly toReplay: number;
  readonly toSkip: Readonly<Record<string, number>>;
  readonly items: ReplayPlanItem[];
  readonly truncated: boolean;
}

export interface ReplayProgress {
  readonly total: number;
  readonly done: number;
  readonly toDo: number;
  readonly failed: number;
  readonly replayed: number;
  readonly skipped: number;
}

export interface ReplayOutcome {
  readonly applied: number;
  readonly failedAgain: number;
  readonly parked: number;
  readonly inFlight: number;
  /** Processed without a write (the backup was off when it arrived); absent from older servers. */
  readonly notWritten?: number;
}

export interface ReplayJob {
  readonly id: string;
  readonly kind: string;
  readonly workspaceId: string | null;
  readonly status: 'running' | 'completed' | 'cancelled';
  readonly ratePerSecond: number;
  readonly createdBy: { readonly sub: string; readonly role: string };
  readonly createdAt: string;
  readonly finishedAt: string | null;
  readonly progress: ReplayProgress;
  readonly outcome: ReplayOutcome;
}

export interface ReplayItem {
  readonly failureId: string | null;
  readonly accountId: string | null;
  readonly version: string | null;
  readonly state: string;
  readonly reason: string | null;
  readonly outcome: string | null;
  readonly outcomeCode: string | null;
  readonly handledAt: string | null;
}
