import { createHash } from 'node:crypto';

/** Longest name we emit; CyberArk documents no limit for account object names, so we stay conservative. */
export const MAX_ACCOUNT_NAME_LENGTH = 100;

/**
 * The CyberArk object name of an account's backup. It depends only on workspaceId and accountId, so
 * it never changes when a label does, and it is how CCP consumers find a backup
 * (`Object=<name>`). Both ids are `[A-Za-z0-9_-]{1,64}`, so the `.` separator makes the name
 * unambiguous: `vb.<workspaceId>.<accountId>`. When that would exceed 100 characters the accountId
 * part becomes `h-` + the first 32 hex digits of SHA-256("<workspaceId>:<accountId>"), and the
 * workspaceId part is cut to 60 characters; collisions are then as unlikely as a 128-bit hash clash.
 */
export function backupAccountName(workspaceId: string, accountId: string): string {
  const plain = `vb.${workspaceId}.${accountId}`;
  if (plain.length <= MAX_ACCOUNT_NAME_LENGTH) return plain;
  const digest = createHash('sha256').update(`${workspaceId}:${accountId}`).digest('hex').slice(0, 32);
  return `vb.${workspaceId.slice(0, 60)}.h-${digest}`;
}
