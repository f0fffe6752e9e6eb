import { type KeyObject, createPublicKey } from 'node:crypto';
import { AppError } from '@vault-backup/errors';
import { DataDecryptionError } from '../src/data-cipher/data-decryption.error';
import { type KeyWrapper } from '../src/key-wrap/key-wrapper.port';
import { LocalRsaKeyWrapper } from '../src/key-wrap/local-rsa.key-wrapper';
import { WorkspaceKeyUnavailableError } from '../src/key-wrap/workspace-key-unavailable.error';
import { type WorkspaceKeyWrappers } from '../src/key-wrap/workspace-key-wrappers.port';
import { rsaKeyPair } from './rsa-keys.fixture';

/** What the Key Vault adapter throws when a workspace took our access away: retriable, it may give it back. */
export class KeyAccessRevokedError extends AppError {
  readonly code = 'KEY_ACCESS_REVOKED';
  readonly retriable = true;
  readonly errorClass = 'key-access-revoked';
}

interface WorkspaceState {
  readonly privateKeys: Map<string, KeyObject>;
  current: { kid: string; publicKey: KeyObject } | undefined;
  revoked: boolean;
  /** The integration is gone for good: nothing unwraps. */
  removed: boolean;
}

/**
 * Workspace keys as Key Vault would behave, with local RSA-2048 key pairs: wrapping uses the public
 * key (works after a revocation), unwrapping the private key of the version named — unless access
 * was revoked. Counts calls so tests can see caching and single-flight.
 */
export class FakeWorkspaceKeys implements WorkspaceKeyWrappers {
  readonly unwrapCalls: { workspaceId: string; kid: string }[] = [];
  wrapperForCalls = 0;
  private readonly workspaces = new Map<string, WorkspaceState>();

  /** Gives the workspace its own key, or a new version of it; returns the new versioned kid. */
  addKeyVersion(workspaceId: string): string {
    const state = this.state(workspaceId);
    const kid = `https://${workspaceId}.vault.azure.net/keys/backup/v${state.privateKeys.size + 1}`;
    const { publicKey, privateKey } = rsaKeyPair();
    state.privateKeys.set(kid, privateKey);
    state.current = { kid, publicKey };
    state.removed = false;
    return kid;
  }

  /** The workspace key stops unwrapping (Key Vault answers 403) until `restore`. */
  revoke(workspaceId: string): void {
    this.state(workspaceId).revoked = true;
  }

  restore(workspaceId: string): void {
    this.state(workspaceId).revoked = false;
  }

  /** An old version is deleted from the vault. */
  retireVersion(workspaceId: string, kid: string): void {
    this.state(workspaceId).privateKeys.delete(kid);
  }

  /** Removal in progress: new data keys are service-only, existing shares still unwrap. */
  stopWrapping(workspaceId: string): void {
    this.state(workspaceId).current = undefined;
  }

  /** The integration is gone: nothing of the workspace unwraps any more. */
  remove(workspaceId: string): void {
    const state = this.state(workspaceId);
    state.current = undefined;
    state.removed = true;
  }

  wrapperFor(workspaceId: string): Promise<KeyWrapper | undefined> {
    this.wrapperForCalls += 1;
    const current = this.workspaces.get(workspaceId)?.current;
    return Promise.resolve(current && new LocalRsaKeyWrapper(current, new Map()));
  }

  unwrap(workspaceId: string, kid: string, wrapped: Uint8Array): Promise<Uint8Array> {
    this.unwrapCalls.push({ workspaceId, kid });
    const state = this.workspaces.get(workspaceId);
    if (!state || state.removed) return Promise.reject(new WorkspaceKeyUnavailableError(workspaceId));
    if (state.revoked)
      return Promise.reject(new KeyAccessRevokedError(`workspace ${workspaceId} revoked access to its key`));
    const privateKey = state.privateKeys.get(kid);
    if (!privateKey) return Promise.reject(new DataDecryptionError('no such key version'));
    const publicKey = createPublicKey(privateKey);
    return new LocalRsaKeyWrapper({ kid, publicKey }, new Map([[kid, privateKey]])).unwrap(kid, wrapped);
  }

  private state(workspaceId: string): WorkspaceState {
    let state = this.workspaces.get(workspaceId);
    if (!state) {
      state = { privateKeys: new Map(), current: undefined, revoked: false, removed: false };
      this.workspaces.set(workspaceId, state);
    }
    return state;
  }
}
