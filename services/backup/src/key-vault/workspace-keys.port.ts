export const WORKSPACE_KEYS = Symbol('WORKSPACE_KEYS');

export interface RewrapCounts {
  readonly rewrapped: number;
  readonly alreadyCurrent: number;
  readonly failed: number;
}

/**
 * What changing a workspace's own key means for the data already sealed under it. Implemented once,
 * in the shared key-vault module, for the admin API (and the CLI).
 */
export interface WorkspaceKeysPort {
  /** Forgets cached connections and data keys of the workspace after its integration changed. */
  changed(workspaceId: string): void;
  /** Re-wraps the workspace shares of its data keys under its current key version (online, idempotent). */
  rewrap(workspaceId: string): Promise<RewrapCounts>;
  /**
   * Before the integration is removed: re-wraps the workspace shares under the service key, so the data
   * stays readable without the customer's key. Throws the vault's typed error when access is lost.
   */
  detach(workspaceId: string): Promise<RewrapCounts>;
}
