import { type EntityManager } from 'typeorm';
import { type AuditEntry, type AuditEntryInput } from './audit-entry';

export interface AuditPage {
  readonly items: readonly AuditEntry[];
  /** The id to continue after (newest first), when there may be more. */
  readonly nextAfterId: string | null;
}

export interface AuditLogStore {
  /** Appends inside the caller's transaction, so an audit entry exists exactly when the change does. */
  append(manager: EntityManager, entries: readonly AuditEntryInput[]): Promise<void>;
  /** Newest first; `beforeId` continues a previous page. */
  page(workspaceId: string, options: { beforeId?: string; limit: number }): Promise<AuditPage>;
}
