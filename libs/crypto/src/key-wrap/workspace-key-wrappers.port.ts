import { type KeyWrapper } from './key-wrapper.port';

/**
 * The workspaces' own keys (customer-managed keys in Azure Key Vault), as seen by the envelope cipher.
 *
 * Two questions, deliberately separate so that a key integration can be taken away in steps (see
 * `DataKeyRewrapper.dropWorkspaceShares`):
 * - `wrapperFor`: which key new data keys of the workspace get a share under — undefined when the
 *   workspace has no own key (then its data keys are service-only). Its `wrap` must work without the
 *   workspace's cooperation (public-key wrapping), so new data can be sealed even after a revocation.
 * - `unwrap`: recover a share wrapped under any version of any key the workspace had (`kid` as recorded
 *   at wrapping time), for as long as we still have access to it — also while `wrapperFor` already
 *   answers undefined because the integration is being removed.
 *
 * Errors pass through the cipher unchanged; a revoked key should be a retriable typed error (the
 * workspace may grant access again), an integration that no longer exists a permanent one.
 */
export interface WorkspaceKeyWrappers {
  wrapperFor(workspaceId: string): Promise<KeyWrapper | undefined>;
  unwrap(workspaceId: string, kid: string, wrapped: Uint8Array): Promise<Uint8Array>;
}
