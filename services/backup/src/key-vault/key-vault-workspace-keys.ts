import { type DataKeyRewrapper, type EnvelopeDataCipher, type RewrapReport } from '@vault-backup/crypto';
import { type RewrapCounts, type WorkspaceKeysPort } from './workspace-keys.port';
import { type WorkspaceKeyRegistry } from './workspace-key.registry';
import { type WorkspaceSecretsDecryptor } from './workspace-secrets.decryptor';

/**
 * What a change of a workspace's key integration means here: every cache of its key is dropped in this
 * process (other replicas follow within their TTLs), and its data keys are re-wrapped online.
 */
export class KeyVaultWorkspaceKeys implements WorkspaceKeysPort {
  constructor(
    private readonly registry: WorkspaceKeyRegistry,
    private readonly cipher: EnvelopeDataCipher,
    private readonly decryptor: WorkspaceSecretsDecryptor,
    private readonly rewrapper: DataKeyRewrapper,
  ) {}

  changed(workspaceId: string): void {
    this.registry.forget(workspaceId);
    this.cipher.forgetScope(workspaceId);
    this.decryptor.forget(workspaceId);
  }

  async rewrap(workspaceId: string): Promise<RewrapCounts> {
    return counts(await this.rewrapper.rewrap({ workspaceId }));
  }

  /** Throws the vault's own typed error when a share cannot be moved: the admin sees why. */
  async detach(workspaceId: string): Promise<RewrapCounts> {
    const report = await this.rewrapper.dropWorkspaceShares(workspaceId);
    const first = report.failures[0];
    if (first !== undefined) throw first.error;
    return counts(report);
  }
}

function counts(report: RewrapReport): RewrapCounts {
  return { rewrapped: report.rewrapped, alreadyCurrent: report.alreadyCurrent, failed: report.failed };
}
