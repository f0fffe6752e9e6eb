import { Inject, Injectable } from '@nestjs/common';
import { AUDIT_LOG_STORE } from '../admin.tokens';
import { DEFAULT_PAGE_SIZE, type PageQueryDto } from '../http/dto/page-query.dto';
import { decodeCursor, encodeCursor } from '../paging/cursor';
import { type AuditLogStore } from './audit-log.store';
import { type AuditPageDto } from './dto/audit-entry.dto';

const ID_POSITION = /^[1-9]\d{0,18}$/;

/** Reads a workspace's audit log, newest first. It outlives a deleted configuration. */
@Injectable()
export class AuditLogService {
  constructor(@Inject(AUDIT_LOG_STORE) private readonly store: AuditLogStore) {}

  async page(workspaceId: string, query: PageQueryDto): Promise<AuditPageDto> {
    const beforeId = decodeCursor(query.cursor, ID_POSITION);
    const page = await this.store.page(workspaceId, {
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      ...(beforeId ? { beforeId } : {}),
    });
    return {
      items: page.items.map((entry) => ({
        id: entry.id,
        action: entry.action,
        actor: { sub: entry.actorSub, role: entry.actorRole },
        details: { ...entry.details },
        requestId: entry.requestId,
        occurredAt: entry.occurredAt.toISOString(),
      })),
      nextCursor: page.nextAfterId === null ? null : encodeCursor(page.nextAfterId),
    };
  }
}
