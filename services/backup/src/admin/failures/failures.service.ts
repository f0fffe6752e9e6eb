import { Inject, Injectable } from '@nestjs/common';
import { FAILURE_STORE } from '../admin.tokens';
import { DEFAULT_PAGE_SIZE } from '../http/dto/page-query.dto';
import { decodeCursor, encodeCursor } from '../paging/cursor';
import { type FailurePageDto, type FailuresQueryDto } from './dto/failure.dto';
import { toFailureDto } from './failure.mapper';
import { type FailureStore } from './failure.store';

const POSITION = /^(\d{1,20}):([0-9a-f-]{36})$/;

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
}
