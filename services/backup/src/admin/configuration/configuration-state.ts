import { StateConflictError } from '../http/admin.errors';
import { type BackupStatus } from './backup-configuration';

/**
 * What happened to a configuration. `validated` is undefined when there were no targets to check.
 * `replaced` = the user changed the connection or the targets; `revalidated` = a check on demand.
 */
export type ConfigurationEvent =
  | { readonly type: 'replaced'; readonly connected: boolean; readonly validated?: boolean }
  | { readonly type: 'revalidated'; readonly connected: boolean; readonly validated: boolean }
  | { readonly type: 'enable' }
  | { readonly type: 'disable' };

/**
 * The setup state machine: draft → connected → validated → enabled ⇄ disabled.
 * - New settings must pass again: a failed connect goes back to draft, failed targets to connected.
 *   Settings that pass keep an enabled (or disabled) backup as it was, so a credential rotation
 *   does not pause the backup unless the new credentials are wrong.
 * - A check on demand never pauses an enabled backup: it reports, and writes keep going (and fail
 *   visibly as recorded failures) until someone acts.
 * - Only a validated configuration can be enabled; `disabled` always passed validation before.
 */
export function nextStatus(previous: BackupStatus | null, event: ConfigurationEvent): BackupStatus {
  switch (event.type) {
    case 'replaced':
      return afterCheck(previous, event.connected, event.validated);
    case 'revalidated':
      return previous === 'enabled' ? 'enabled' : afterCheck(previous, event.connected, event.validated);
    case 'enable':
      return enable(previous);
    case 'disable':
      return disable(previous);
  }
}

function afterCheck(
  previous: BackupStatus | null,
  connected: boolean,
  validated: boolean | undefined,
): BackupStatus {
  if (!connected) return 'draft';
  if (validated !== true) return 'connected';
  return previous === 'enabled' || previous === 'disabled' ? previous : 'validated';
}

function enable(previous: BackupStatus | null): BackupStatus {
  switch (previous) {
    case 'validated':
    case 'disabled':
    case 'enabled':
      return 'enabled';
    case 'connected':
      throw new StateConflictError(
        'VALIDATION_REQUIRED',
        'the targets have not passed validation; validate them first',
      );
    case 'draft':
    case null:
      throw new StateConflictError(
        'CONNECTION_REQUIRED',
        'the connection to CyberArk has not succeeded; connect first',
      );
  }
}

function disable(previous: BackupStatus | null): BackupStatus {
  if (previous === 'enabled' || previous === 'disabled') return 'disabled';
  throw new StateConflictError('NOT_ENABLED', 'the backup is not enabled');
}

/** What a user should know when a change paused the backup. */
export function statusNotices(previous: BackupStatus | null, next: BackupStatus): string[] {
  if ((previous === 'enabled' || previous === 'disabled') && next !== previous && next !== 'enabled') {
    return [
      `The backup was ${previous}; it is now ${next} and backs nothing up until the settings pass validation and it is enabled again.`,
    ];
  }
  return [];
}
