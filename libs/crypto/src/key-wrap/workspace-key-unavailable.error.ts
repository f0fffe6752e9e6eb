import { AppError } from '@vault-backup/errors';

/**
 * A data key holds a share under a workspace key that no key integration can unwrap any more: the
 * integration was removed without first dropping the workspace's shares. Permanent until an operator
 * restores the integration; the data is then readable again.
 */
export class WorkspaceKeyUnavailableError extends AppError {
  readonly code = 'WORKSPACE_KEY_UNAVAILABLE';
  readonly retriable = false;
  readonly errorClass = 'decryption-key-unavailable';

  constructor(readonly workspaceId: string) {
    super(`workspace ${workspaceId} has no key integration that can unwrap its data keys`);
  }
}
