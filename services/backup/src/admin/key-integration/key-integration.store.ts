import { type AuditEntryInput } from '../audit/audit-entry';
import { type KeyCheckReport, type KeyIntegration, type KeyIntegrationDraft } from './key-integration';

/**
 * Workspace key integrations and their audit trail, committed together; `expectedRevision` makes a
 * concurrent change fail instead of overwriting.
 */
export interface KeyIntegrationStore {
  find(workspaceId: string): Promise<KeyIntegration | null>;
  /** `expectedRevision` null = create; throws ConcurrentChangeError when someone else won. */
  save(
    draft: KeyIntegrationDraft,
    expectedRevision: number | null,
    audit: readonly AuditEntryInput[],
  ): Promise<KeyIntegration>;
  /** Records a check of the stored integration (and its audit entry) without changing anything else. */
  recordCheck(
    workspaceId: string,
    report: KeyCheckReport,
    expectedRevision: number,
    audit: readonly AuditEntryInput[],
  ): Promise<KeyIntegration>;
  /** Appends audit entries of something that changed nothing stored (a refused set). */
  audit(entries: readonly AuditEntryInput[]): Promise<void>;
  delete(workspaceId: string, audit: readonly AuditEntryInput[]): Promise<KeyIntegration | null>;
}
