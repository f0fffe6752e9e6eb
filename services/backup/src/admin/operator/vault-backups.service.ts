import { Inject, Injectable } from '@nestjs/common';
import { CONFIGURATION_STORE, FAILURE_STORE } from '../admin.tokens';
import { WORKSPACE_ID_PATTERN } from '../auth/principal';
import { type ConfigurationStore } from '../configuration/configuration.store';
import { type ProblemPageDto, type ProblemsQueryDto } from '../failures/dto/problem.dto';
import { FailuresService } from '../failures/failures.service';
import { type FailureStore } from '../failures/failure.store';
import { toClassCountDtos, toCountsDto, toProblemFilter } from '../failures/problem.mapper';
import { DEFAULT_PAGE_SIZE } from '../http/dto/page-query.dto';
import { decodeCursor, encodeCursor } from '../paging/cursor';
import { type VaultBackupSummaryPageDto, type VaultBackupsQueryDto } from './dto/vault-backup-summary.dto';
import { type WorkspaceProblemsPageDto } from './dto/workspace-problems.dto';

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

/** `<failed>:<parked>:<workspace id>`: a place in the attention order. */
const PROBLEMS_POSITION = /^(\d{1,9}):(\d{1,9}):([A-Za-z0-9._-]{1,64})$/;

/**
 * Operators (SREs): the status of every workspace's backup, paged by workspace id; and their failed
 * and parked backups counted by workspace and class, what needs attention first.
 */
@Injectable()
export class VaultBackupsService {
  constructor(
    @Inject(CONFIGURATION_STORE) private readonly store: ConfigurationStore,
    @Inject(FAILURE_STORE) private readonly failures: FailureStore,
    private readonly problemList: FailuresService,
  ) {}

  /** Open failures attributed to no workspace (their record named none): listed like a workspace's. */
  unattributedProblems(query: ProblemsQueryDto): Promise<ProblemPageDto> {
    return this.problemList.problems('unattributed', query);
  }

  async problems(query: ProblemsQueryDto): Promise<WorkspaceProblemsPageDto> {
    const filter = toProblemFilter(query);
    const position = decodeCursor(query.cursor, PROBLEMS_POSITION);
    const match = position === undefined ? null : PROBLEMS_POSITION.exec(position);
    const [page, counts, unattributed] = await Promise.all([
      this.failures.problemsByWorkspace({
        filter,
        limit: query.limit ?? DEFAULT_PAGE_SIZE,
        ...(match
          ? { after: { failed: Number(match[1]), parked: Number(match[2]), workspaceId: String(match[3]) } }
          : {}),
      }),
      this.failures.countProblems('all-workspaces', filter),
      this.failures.countProblems('unattributed', filter),
    ]);
    return {
      items: page.items.map((item) => ({
        workspaceId: item.workspaceId,
        failed: item.failed,
        parked: item.parked,
        total: item.failed + item.parked,
        oldestFailedAt: item.oldestFailedAt.toISOString(),
        lastFailedAt: item.lastFailedAt.toISOString(),
        byClass: toClassCountDtos(item.byClass),
      })),
      counts: toCountsDto(counts),
      unattributed: toCountsDto(unattributed),
      nextCursor:
        page.next === null
          ? null
          : encodeCursor(`${page.next.failed}:${page.next.parked}:${page.next.workspaceId}`),
    };
  }

  async page(query: VaultBackupsQueryDto): Promise<VaultBackupSummaryPageDto> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor(query.cursor, WORKSPACE_ID_PATTERN);
    const rows = await this.store.list({
      limit: limit + 1,
      ...(after ? { afterWorkspaceId: after } : {}),
      ...(query.status ? { status: query.status } : {}),
    });
    const items = rows.slice(0, limit).map((row) => ({
      workspaceId: row.workspaceId,
      status: row.status,
      validatedAt: iso(row.validatedAt),
      enabledAt: iso(row.enabledAt),
      updatedAt: row.updatedAt.toISOString(),
      counters: {
        openFailures: row.counters.openFailures,
        skippedEvents: row.counters.skippedEvents,
        lastSkippedAt: iso(row.counters.lastSkippedAt),
      },
    }));
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last.workspaceId) : null,
    };
  }
}
