import { StateConflictError } from '../http/admin.errors';

/** Another request changed (or created) the same configuration first. */
export class ConcurrentChangeError extends StateConflictError {
  constructor() {
    super(
      'CONCURRENT_CHANGE',
      'the vault backup was changed by another request meanwhile; reload it and try again',
    );
  }
}

/** Admin stores translate database errors with the one shared translator. */
export { translateDatabaseError } from '@vault-backup/persistence';
