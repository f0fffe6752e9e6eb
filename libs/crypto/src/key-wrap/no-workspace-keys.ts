import { type KeyWrapper } from './key-wrapper.port';
import { WorkspaceKeyUnavailableError } from './workspace-key-unavailable.error';
import { type WorkspaceKeyWrappers } from './workspace-key-wrappers.port';

/** No workspace has its own key: every data key is service-only. The default until key integrations exist. */
export class NoWorkspaceKeys implements WorkspaceKeyWrappers {
  wrapperFor(): Promise<KeyWrapper | undefined> {
    return Promise.resolve(undefined);
  }

  unwrap(workspaceId: string): Promise<Uint8Array> {
    return Promise.reject(new WorkspaceKeyUnavailableError(workspaceId));
  }
}
