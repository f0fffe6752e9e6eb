import { Inject, Injectable } from '@nestjs/common';
import { CONFIGURATION_STORE } from '../admin.tokens';
import { WORKSPACE_ID_PATTERN } from '../auth/principal';
import { type ConfigurationStore } from '../configuration/configuration.store';
import { DEFAULT_PAGE_SIZE } from '../http/dto/page-query.dto';
import { decodeCursor, encodeCursor } from '../paging/cursor';
import { type VaultBackupSummaryPageDto, type VaultBackupsQueryDto } from './dto/vault-backup-summary.dto';

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

/** Operators (SREs): the status of every workspace's backup, paged by workspace id. */
@Injectable()
export class VaultBackupsService {
  constructor(@Inject(CONFIGURATION_STORE) private readonly store: ConfigurationStore) {}

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
