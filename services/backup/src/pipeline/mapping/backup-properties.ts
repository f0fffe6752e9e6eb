/**
 * The ten optional properties the dedicated backup platform must define (product requirement);
 * the setup API validates them and the mapper writes exactly these, nothing else.
 */
export const BACKUP_PLATFORM_PROPERTIES = [
  'accountId',
  'provider',
  'label',
  'url',
  'phone',
  'email',
  'originalPhone',
  'originalEmail',
  'totpSecret',
  'backupCodes',
] as const;

export type BackupProperty = (typeof BACKUP_PLATFORM_PROPERTIES)[number];

/** Properties that hold secrets: never written in metadata-only mode, never logged. */
export const SECRET_PROPERTIES: ReadonlySet<BackupProperty> = new Set<BackupProperty>([
  'totpSecret',
  'backupCodes',
]);

export const MANUAL_MANAGEMENT_REASON =
  'Disaster-recovery copy maintained by vault-backup; the source of truth rotates it, CPM must not.';

/**
 * Backup codes are stored in one string property as a JSON array (`["code-1","code-2"]`): unambiguous
 * whatever characters a code contains, and trivially parsed back by a restore tool.
 */
export function encodeBackupCodes(codes: readonly string[]): string {
  return JSON.stringify(codes);
}
