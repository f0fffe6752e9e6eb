import { Inject, Injectable } from '@nestjs/common';
import { FAILURE_STORE } from '../admin.tokens';
import { DEFAULT_PAGE_SIZE } from '../http/dto/page-query.dto';
import { decodeCursor, encodeCursor } from '../paging/cursor';
import { type FailurePageDto, type FailuresQueryDto } from './dto/failure.dto';
import { type ProblemPageDto, type ProblemsQueryDto } from './dto/problem.dto';
import { toFailureDto } from './failure.mapper';
import { type FailureStore } from './failure.store';
import { toCountsDto, toProblemDto, toProblemFilter } from './problem.mapper';

const POSITION = /^(\d{1,20}):([0-9a-f-]{36})$/;
/** `<first failure in µs>:f:<failure id>` or `<first failure in µs>:p:<account id>`. */
const PROBLEM_POSITION = /^(\d{1,20}):([fp]:[A-Za-z0-9_-]{1,64})$/;

/** Lists what the pipeline could not back up (readable even after the configuration was deleted). */
@Injectable()
export class FailuresService {
  constructor(@Inject(FAILURE_STORE) private readonly store: FailureStore) {}

  async page(workspaceId: string, query: FailuresQueryDto): Promise<FailurePageDto> {
    const position = decodeCursor(query.cursor, POSITION);
    const match = position === undefined ? null : POSITION.exec(position);
    const page = await this.store.page(workspaceId, {
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      ...(query.status ? { status: query.status } : {}),
      ...(match ? { after: { createdAtMicros: String(match[1]), id: String(match[2]) } } : {}),
    });
    return {
      items: page.items.map(toFailureDto),
      nextCursor: page.next === null ? null : encodeCursor(`${page.next.createdAtMicros}:${page.next.id}`),
    };
  }

  /**
   * Every account whose newest version is not in the safe: failed and parked, with what to do. For
   * a workspace, or (operators) the dead letters attributed to no workspace.
   */
  async problems(
    scope: { workspaceId: string } | 'unattributed',
    query: ProblemsQueryDto,
  ): Promise<ProblemPageDto> {
    const filter = toProblemFilter(query);
    const position = decodeCursor(query.cursor, PROBLEM_POSITION);
    const match = position === undefined ? null : PROBLEM_POSITION.exec(position);
    const [page, counts] = await Promise.all([
      this.store.problems(scope, {
        filter,
        limit: query.limit ?? DEFAULT_PAGE_SIZE,
        ...(match ? { after: { firstFailedMicros: String(match[1]), itemKey: String(match[2]) } } : {}),
      }),
      this.store.countProblems(scope, filter),
    ]);
    return {
      items: page.items.map(toProblemDto),
      counts: toCountsDto(counts),
      nextCursor:
        page.next === null ? null : encodeCursor(`${page.next.firstFailedMicros}:${page.next.itemKey}`),
    };
  }
}
