import { type AccountEvent } from '@vault-backup/event-contract';
import { toBackupFailure } from '../domain/backup-failure';
import { type BackupOutcome } from '../domain/backup-outcome';
import { toDesiredAccount } from '../mapping/backup-account.mapper';
import { type CyberArkGatewayPort } from '../ports/cyberark-gateway.port';
import { type SecretsResolverPort } from '../ports/secrets-resolver.port';
import { type ActiveWorkspace } from '../ports/workspace-targets.port';
import { type AccountState } from '../store/backup-state.types';
import { type AccountWriter } from '../writer/account.writer';
import { type TenantConcurrencyLimiter } from './concurrency-limiter';
import { OwnershipLostError, type WriteFence } from './write-fence';

export interface AccountJob {
  readonly event: AccountEvent;
  readonly workspace: ActiveWorkspace;
  readonly state: AccountState | undefined;
}

export const CIRCUIT_OPEN_FAILURE = {
  errorClass: 'unavailable',
  code: 'CIRCUIT_OPEN',
  message: 'CyberArk tenant circuit is open; parked until it recovers',
  retriable: true,
} as const;

/**
 * Backs up one account at one version: the step shared by the batch processor and the retry
 * worker. It returns an outcome for everything except lost partition ownership, which must abort
 * the caller's batch so nothing is committed.
 */
export class AccountJobRunner {
  constructor(
    private readonly gateway: CyberArkGatewayPort,
    private readonly secrets: SecretsResolverPort,
    private readonly writer: AccountWriter,
    private readonly limiter: TenantConcurrencyLimiter,
    private readonly fence: WriteFence,
  ) {}

  async run(job: AccountJob): Promise<BackupOutcome> {
    const { event, workspace, state } = job;
    if (state && state.appliedVersion >= event.data.version)
      return { kind: 'superseded', reason: 'already-applied' };
    if (this.gateway.isCircuitOpen(workspace)) return { kind: 'deferred', failure: CIRCUIT_OPEN_FAILURE };
    try {
      return await this.limiter.run(workspace.tenantKey, () => this.write(job));
    } catch (error) {
      if (error instanceof OwnershipLostError) throw error;
      const failure = toBackupFailure(error);
      return failure.retriable ? { kind: 'deferred', failure } : { kind: 'failed', failure };
    }
  }

  private async write({ event, workspace, state }: AccountJob): Promise<BackupOutcome> {
    const secrets = await this.secrets.resolve(event, workspace);
    const desired = toDesiredAccount(event.data, secrets, workspace.target);
    this.fence.assertMayWrite();
    const known = state?.cyberArkAccountId
      ? { cyberArkAccountId: state.cyberArkAccountId, fingerprint: state.fingerprint }
      : undefined;
    const result = await this.writer.apply(this.gateway.accountsFor(workspace), desired, known);
    return {
      kind: 'applied',
      writes: result.writes,
      cyberArkAccountId: result.cyberArkAccountId,
      cyberArkName: desired.name,
      fingerprint: result.fingerprint,
    };
  }
}
