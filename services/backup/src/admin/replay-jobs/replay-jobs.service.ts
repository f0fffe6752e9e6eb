import { Inject, Injectable } from '@nestjs/common';
import { isRetriable } from '@vault-backup/errors';
import { type AuditAction } from '@vault-backup/persistence';
import { ADMIN_CONFIG, CONFIGURATION_STORE, REPLAY_JOB_STORE } from '../admin.tokens';
import { type AdminConfig } from '../admin.config';
import { type AuditEntryInput } from '../audit/audit-entry';
import { type ConfigurationStore } from '../configuration/configuration.store';
import { requireEnabled } from '../failures/failure-replay.service';
import { ReplayProducer } from '../failures/replay-producer';
import {
  RequestValidationError,
  ResourceNotFoundError,
  StateConflictError,
  UnprocessableError,
} from '../http/admin.errors';
import { DEFAULT_PAGE_SIZE } from '../http/dto/page-query.dto';
import { type Actor } from '../http/request-context';
import { decodeCursor, encodeCursor } from '../paging/cursor';
import { ConsumerProgress } from './consumer-progress';
import { DeadLetterImporter } from './dead-letter.importer';
import {
  type CreateDeadLetterReplayJobDto,
  type CreateReplayJobDto,
  type ReplayItemPageDto,
  type ReplayItemsQueryDto,
  type ReplayJobDto,
  type ReplayJobPageDto,
  type ReplayJobsQueryDto,
  type ReplayPlanDto,
} from './dto/replay-job.dto';
import {
  DEAD_LETTER_SCOPE,
  type DeadLetterRange,
  type FailureFilter,
  type ReplayJob,
  type ReplaySelection,
} from './replay-job';
import { toItemDto, toJobDto, toPlanDto } from './replay-job.mapper';
import {
  type DeliveredItem,
  type NewReplayJob,
  type PlannedItem,
  type ReplayJobStore,
} from './replay-job.store';

/** Whose failures a job replays: one workspace's, or (operators) those attributed to none. */
export type FailureScope = { readonly workspaceId: string } | 'unattributed';

/** Where a job may be read: in its workspace's routes, or in the operators' (any job). */
export type JobScope = { readonly workspaceId: string } | 'any';

export type CreateResult = { readonly plan: ReplayPlanDto } | { readonly job: ReplayJobDto };

export const UNATTRIBUTED_SCOPE = '~unattributed';
const POSITION = /^(\d{1,20}):([0-9a-f-]{36})$/;
const SEQ = /^\d{1,9}$/;

/**
 * Replay jobs: plans (dry runs) and jobs from a selection of failures, their progress, report,
 * cancel and resume. The runner (`ReplayJobRunner`) does the producing; this only decides what.
 */
@Injectable()
export class ReplayJobsService {
  constructor(
    @Inject(REPLAY_JOB_STORE) private readonly store: ReplayJobStore,
    @Inject(CONFIGURATION_STORE) private readonly configurations: ConfigurationStore,
    private readonly producer: ReplayProducer,
    private readonly deadLetters: DeadLetterImporter,
    private readonly consumer: ConsumerProgress,
    @Inject(ADMIN_CONFIG) private readonly config: AdminConfig,
  ) {}

  async createFromFailures(
    scope: FailureScope,
    request: CreateReplayJobDto,
    actor: Actor,
  ): Promise<CreateResult> {
    const selection = toSelection(request);
    const rate = this.rateOf(request.ratePerSecond);
    const workspaceId = scope === 'unattributed' ? null : scope.workspaceId;
    if (workspaceId !== null) await requireEnabled(this.configurations, workspaceId);
    const items = await this.select(workspaceId, selection);
    const jobScope = workspaceId ?? UNATTRIBUTED_SCOPE;
    return this.planOrStart(
      { kind: 'failures', scope: jobScope, workspaceId, selection, ratePerSecond: rate, createdBy: actor },
      items,
      { dryRun: request.dryRun === true, plan: () => this.checkedPlan(items), actor },
    );
  }

  /**
   * Operators (`operator_replay`): replays an offset range of the dead-letter topic, for records that
   * exist only there. Audited in the workspace it names, else under `~dead-letters`.
   */
  async createFromDeadLetters(request: CreateDeadLetterReplayJobDto, actor: Actor): Promise<CreateResult> {
    const range = toRange(request, this.config.replay.jobs.maxItems);
    const rate = this.rateOf(request.ratePerSecond);
    const items = nonEmpty(await this.deadLetters.plan(range));
    const selection: ReplaySelection = { deadLetters: { topic: this.deadLetters.topic, ...range } };
    return this.planOrStart(
      {
        kind: 'dead-letter',
        scope: DEAD_LETTER_SCOPE,
        workspaceId: range.workspaceId ?? null,
        selection,
        ratePerSecond: rate,
        createdBy: actor,
      },
      items,
      { dryRun: request.dryRun === true, plan: () => Promise.resolve(toPlanDto(items)), actor },
    );
  }

  /**
   * A dry run answers the plan (audited as planned, nothing else written); otherwise the job is
   * created with its items and audited, unless one is already running in its scope (409).
   */
  private async planOrStart(
    job: NewReplayJob,
    items: readonly PlannedItem[],
    options: { dryRun: boolean; plan: () => Promise<ReplayPlanDto>; actor: Actor },
  ): Promise<CreateResult> {
    const { selection, ratePerSecond } = job;
    const auditScope = job.workspaceId ?? job.scope;
    if (options.dryRun) {
      const plan = await options.plan();
      await this.store.audit([
        entry(auditScope, options.actor, 'replay-job-planned', {
          selection,
          toReplay: plan.toReplay,
          toSkip: plan.toSkip,
        }),
      ]);
      return { plan };
    }
    const created = await this.store.create(job, items, [
      entry(auditScope, options.actor, 'replay-job-created', {
        selection,
        items: items.length,
        ratePerSecond,
      }),
    ]);
    if (created === null) throw await this.activeJobConflict(job.scope);
    return { job: await this.view(created) };
  }

  async get(jobId: string, scope: JobScope): Promise<ReplayJobDto> {
    return this.view(await this.findIn(jobId, scope));
  }

  async list(scope: JobScope, query: ReplayJobsQueryDto): Promise<ReplayJobPageDto> {
    const position = decodeCursor(query.cursor, POSITION);
    const match = position === undefined ? null : POSITION.exec(position);
    const page = await this.store.page({
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      ...(scope === 'any' ? {} : { workspaceId: scope.workspaceId }),
      ...(query.status ? { status: query.status } : {}),
      ...(match ? { after: { createdAtMicros: String(match[1]), id: String(match[2]) } } : {}),
    });
    return {
      items: await Promise.all(page.items.map((job) => this.view(job))),
      nextCursor: page.next === null ? null : encodeCursor(`${page.next.createdAtMicros}:${page.next.id}`),
    };
  }

  async items(jobId: string, scope: JobScope, query: ReplayItemsQueryDto): Promise<ReplayItemPageDto> {
    await this.findIn(jobId, scope);
    const after = decodeCursor(query.cursor, SEQ);
    const wanted = query.outcome;
    const page = await this.store.items(jobId, {
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      ...(query.state ? { state: query.state } : {}),
      // `not-written` is an in-flight item the consumer has processed: told apart below.
      ...(wanted ? { outcome: wanted === 'not-written' ? 'in-flight' : wanted } : {}),
      ...(after ? { afterSeq: Number(after) } : {}),
    });
    const processed = await this.processedSafely(
      page.items.flatMap((item) =>
        item.outcome === 'in-flight' && item.deliveredTo ? [{ seq: item.seq, ...item.deliveredTo }] : [],
      ),
    );
    const items = page.items
      .map((item) => (processed.has(item.seq) ? { ...item, outcome: 'not-written' as const } : item))
      .filter((item) => wanted === undefined || item.outcome === wanted);
    return {
      items: items.map(toItemDto),
      nextCursor: page.next === null ? null : encodeCursor(String(page.next)),
    };
  }

  /** What is done stays done: the batch in progress commits, then nothing more is produced. */
  async cancel(jobId: string, scope: JobScope, actor: Actor): Promise<ReplayJobDto> {
    await this.findIn(jobId, scope);
    const cancelled = await this.store.cancel(jobId, actor, (job) =>
      entry(auditScopeOf(job), actor, 'replay-job-cancelled', { jobId, progress: job.progress }),
    );
    if (cancelled === null) {
      throw new StateConflictError(
        'REPLAY_JOB_NOT_RUNNING',
        'the replay job is not running: it already ended',
      );
    }
    return this.view(cancelled);
  }

  async resume(jobId: string, scope: JobScope, actor: Actor): Promise<ReplayJobDto> {
    const job = await this.findIn(jobId, scope);
    if (job.workspaceId !== null) await requireEnabled(this.configurations, job.workspaceId);
    const resumed = await this.store.resume(jobId, (current) =>
      entry(auditScopeOf(current), actor, 'replay-job-resumed', { jobId, progress: current.progress }),
    );
    if (resumed === 'active') throw await this.activeJobConflict(job.scope);
    if (resumed === null) {
      throw new StateConflictError(
        'REPLAY_JOB_NOT_CANCELLED',
        `only a cancelled job can be resumed; this one is ${job.status}`,
      );
    }
    return this.view(resumed);
  }

  private async select(workspaceId: string | null, selection: ReplaySelection): Promise<PlannedItem[]> {
    if ('failureIds' in selection) {
      const { items, unknownIds } = await this.store.selectByIds(workspaceId, selection.failureIds);
      if (unknownIds.length > 0) throw unknownFailures(unknownIds);
      return nonEmpty(items);
    }
    if (!('filter' in selection)) throw new Error('a failures job needs failure ids or a filter');
    const items = await this.store.selectByFilter(
      workspaceId,
      selection.filter,
      this.config.replay.jobs.maxItems,
    );
    if (items.length > this.config.replay.jobs.maxItems)
      throw selectionTooLarge(this.config.replay.jobs.maxItems);
    return nonEmpty(items);
  }

  /** A dry run opens and measures every record it would produce, so its counts are what the job will do. */
  private async checkedPlan(items: readonly PlannedItem[]): Promise<ReplayPlanDto> {
    const toCheck = items.flatMap((item) =>
      item.skip === undefined && item.failureId ? [item.failureId] : [],
    );
    const failures = new Map((await this.store.failures(toCheck)).map((failure) => [failure.id, failure]));
    const checked: PlannedItem[] = [];
    for (const item of items) {
      const failure = item.failureId === null ? undefined : failures.get(item.failureId);
      if (item.skip !== undefined || failure === undefined) {
        checked.push(item);
        continue;
      }
      const replay = await this.producer.open(ReplayProducer.ofFailure(failure));
      if (replay === undefined) {
        checked.push({ ...item, skip: 'record-unreadable' });
        continue;
      }
      const size = await this.producer.measure(replay);
      checked.push(size.recordBytes > size.limitBytes ? { ...item, skip: 'record-too-large' } : item);
    }
    return toPlanDto(checked);
  }

  private rateOf(requested: number | undefined): number {
    const { defaultRate, maxRate } = this.config.replay.jobs;
    if (requested === undefined) return defaultRate;
    if (requested > maxRate) {
      throw new RequestValidationError([
        { field: 'ratePerSecond', message: `must not be greater than ${maxRate} (REPLAY_JOB_MAX_RATE)` },
      ]);
    }
    return requested;
  }

  /** The job as answered: in-flight records the consumer already processed count as not written. */
  private async view(job: ReplayJob): Promise<ReplayJobDto> {
    if (job.outcome.inFlight === 0) return toJobDto(job);
    const notWritten = (await this.processedSafely(await this.store.inFlight(job.id))).size;
    return toJobDto({
      ...job,
      outcome: { ...job.outcome, inFlight: job.outcome.inFlight - notWritten, notWritten },
    });
  }

  /** Processed items of `delivered`; none when the broker cannot say right now (in flight is then the safe answer). */
  private async processedSafely(delivered: readonly DeliveredItem[]): Promise<Set<number>> {
    try {
      return await this.consumer.processed(delivered);
    } catch (error) {
      if (isRetriable(error)) return new Set();
      throw error;
    }
  }

  private async findIn(jobId: string, scope: JobScope): Promise<ReplayJob> {
    const job = await this.store.find(jobId);
    if (job === null || (scope !== 'any' && job.workspaceId !== scope.workspaceId)) {
      throw new ResourceNotFoundError('REPLAY_JOB_NOT_FOUND', 'there is no such replay job here');
    }
    return job;
  }

  private async activeJobConflict(scope: string): Promise<StateConflictError> {
    const active = await this.store.running(scope);
    return new StateConflictError(
      'REPLAY_JOB_ACTIVE',
      `replay job ${active?.id ?? '(finishing)'} is still running here: follow it, or cancel it before starting another`,
      active ? { activeJobId: active.id } : {},
    );
  }
}

function toSelection(request: CreateReplayJobDto): ReplaySelection {
  const { failureIds, filter } = request.selection;
  if ((failureIds === undefined) === (filter === undefined)) {
    throw new RequestValidationError([
      { field: 'selection', message: 'must hold exactly one of failureIds and filter' },
    ]);
  }
  if (failureIds !== undefined) return { failureIds: [...new Set(failureIds.map((id) => id.toLowerCase()))] };
  const cleaned: FailureFilter = Object.fromEntries(
    Object.entries(filter ?? {}).filter(([, value]) => value !== undefined),
  );
  if (
    cleaned.from !== undefined &&
    cleaned.to !== undefined &&
    Date.parse(cleaned.to) < Date.parse(cleaned.from)
  ) {
    throw new RequestValidationError([{ field: 'selection.filter.to', message: 'must not be before from' }]);
  }
  return { filter: cleaned };
}

/** Where a job's audit entries go: its workspace's log, else its scope's (`~unattributed`, `~dead-letters`). */
function auditScopeOf(job: ReplayJob): string {
  return job.workspaceId ?? job.scope;
}

function toRange(request: CreateDeadLetterReplayJobDto, maxItems: number): DeadLetterRange {
  const { partition, fromOffset, toOffset, workspaceId, unattributed } = request.selection;
  if (workspaceId !== undefined && unattributed === true) {
    throw new RequestValidationError([
      { field: 'selection', message: 'workspaceId and unattributed exclude each other' },
    ]);
  }
  const span = BigInt(toOffset) - BigInt(fromOffset) + 1n;
  if (span < 1n) {
    throw new RequestValidationError([
      { field: 'selection.toOffset', message: 'must not be below fromOffset' },
    ]);
  }
  if (span > BigInt(maxItems)) throw selectionTooLarge(maxItems);
  return {
    partition,
    fromOffset,
    toOffset,
    ...(workspaceId === undefined ? {} : { workspaceId }),
    ...(unattributed === true ? { unattributed: true } : {}),
  };
}

function nonEmpty(items: PlannedItem[]): PlannedItem[] {
  if (items.length > 0) return items;
  throw new UnprocessableError(
    'EMPTY_SELECTION',
    'empty-selection',
    'Nothing to replay',
    'nothing matches this selection: no open failure (list them with GET …/problems) or no dead letter in that range',
  );
}

function unknownFailures(ids: readonly string[]): UnprocessableError {
  return new UnprocessableError(
    'UNKNOWN_FAILURES',
    'unknown-failures',
    'Unknown failures',
    `${ids.length} of the failure ids are not failures of this workspace: ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''}`,
    { unknownFailureIds: ids.join(',') },
  );
}

function selectionTooLarge(maxItems: number): UnprocessableError {
  return new UnprocessableError(
    'SELECTION_TOO_LARGE',
    'selection-too-large',
    'Selection too large',
    `the selection matches more than ${maxItems} accounts (REPLAY_JOB_MAX_ITEMS): narrow the filter (error class, code, time window) and run several jobs`,
    { maxItems },
  );
}

function entry(
  scope: string,
  actor: Actor,
  action: AuditAction,
  details: Readonly<Record<string, unknown>>,
): AuditEntryInput {
  return { workspaceId: scope, actor, action, details: { ...details, actorRole: actor.role } };
}
