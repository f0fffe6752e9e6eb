import { CyberArkClient, type NetworkOptions, type TenantConnection } from '@vault-backup/cyberark';
import { AppError } from '@vault-backup/errors';
import { type TenantNetworkOptions } from '@vault-backup/url-policy';
import { type BackupTargets } from '../configuration/backup-configuration';
import { assembleReport, type CheckReport, type CheckResult } from './check-report';
import { classifyConnectionError } from './connection-failure';
import { type CyberArkProbePort } from './cyberark-probe.port';
import {
  failedCheck,
  permissionsCheck,
  platformCheck,
  propertiesCheck,
  safeFound,
  skipped,
} from './target-checks';

export interface ProbeSettings {
  /** Per HTTP attempt. */
  readonly timeoutMs: number;
  /** An admin waits for the answer: one retry at most. */
  readonly retries: number;
  /** The tenant URL policy's resolve-then-connect hooks. */
  readonly network: TenantNetworkOptions;
  readonly now?: () => Date;
}

/**
 * Thrown by our own `beforeRequest` hook to stop the first Privilege Cloud call once the token
 * request has succeeded: the token round trip alone is the connection check. It is an AppError, so
 * the transport hands it back untouched and no breaker counts it.
 */
class TokenIssuedSignal extends AppError {
  readonly code = 'TOKEN_ISSUED';
  readonly retriable = false;
}

const CONNECTION_OK =
  'A platform token was obtained: the identity tenant URL, client ID and client secret work.';

/**
 * Answers the setup's questions with a fresh, short-lived CyberArk client per check: an admin check
 * must test the credentials now (no cached token), must not trip or wait on the pipeline's breaker,
 * and must apply the tenant URL policy to every connection, like the pipeline does.
 */
export class CyberArkProbe implements CyberArkProbePort {
  private readonly now: () => Date;

  constructor(private readonly settings: ProbeSettings) {
    this.now = settings.now ?? (() => new Date());
  }

  async connect(connection: TenantConnection): Promise<CheckReport> {
    const { client, gate } = this.createClient(connection);
    try {
      return assembleReport('connection', [await this.obtainToken(client, gate)], this.now());
    } finally {
      client.dispose();
    }
  }

  async validate(connection: TenantConnection, targets: BackupTargets): Promise<CheckReport> {
    const { client, gate } = this.createClient(connection);
    try {
      const token = await this.obtainToken(client, gate);
      if (token.status !== 'passed')
        return assembleReport('targets', [token, ...skipAll('no platform token')], this.now());
      gate.stopAfterToken = false;
      const [safeChecks, platformChecks] = await Promise.all([
        this.checkSafe(client, targets.safeName, connection.clientId),
        this.checkPlatform(client, targets.platformId),
      ]);
      return assembleReport('targets', [token, ...safeChecks, ...platformChecks], this.now());
    } finally {
      client.dispose();
    }
  }

  private async obtainToken(client: CyberArkClient, gate: { stopAfterToken: boolean }): Promise<CheckResult> {
    gate.stopAfterToken = true;
    try {
      await client.getSafe('connection-check');
    } catch (error) {
      if (error instanceof TokenIssuedSignal)
        return { name: 'connection', status: 'passed', message: CONNECTION_OK };
      const failure = classifyConnectionError(error);
      return { name: 'connection', status: 'failed', message: failure.message, failureClass: failure.class };
    }
    throw new Error(
      'the connection check reached Privilege Cloud although the probe stops it after the token',
    );
  }

  private async checkSafe(
    client: CyberArkClient,
    safeName: string,
    clientId: string,
  ): Promise<CheckResult[]> {
    try {
      await client.getSafe(safeName);
    } catch (error) {
      return [
        failedCheck('safe', error, safeName),
        skipped('safe-permissions', 'The Safe could not be read.'),
      ];
    }
    try {
      return [
        safeFound(safeName),
        permissionsCheck(safeName, await client.getSafeMember(safeName, clientId)),
      ];
    } catch (error) {
      return [safeFound(safeName), failedCheck('safe-permissions', error, safeName)];
    }
  }

  private async checkPlatform(client: CyberArkClient, platformId: string): Promise<CheckResult[]> {
    try {
      const platform = await client.getPlatform(platformId);
      return [platformCheck(platform), propertiesCheck(platform)];
    } catch (error) {
      return [
        failedCheck('platform', error, platformId),
        skipped('platform-properties', 'The platform could not be read.'),
      ];
    }
  }

  private createClient(connection: TenantConnection): {
    client: CyberArkClient;
    gate: { stopAfterToken: boolean };
  } {
    const gate = { stopAfterToken: true };
    const policy = this.settings.network;
    const network: NetworkOptions = {
      lookup: policy.lookup,
      proxy: policy.proxy,
      beforeRequest: async (request) => {
        await policy.beforeRequest(request);
        if (gate.stopAfterToken && request.method !== 'POST') throw new TokenIssuedSignal('token obtained');
      },
    };
    const client = new CyberArkClient(connection, {
      timeoutMs: this.settings.timeoutMs,
      retry: { retries: this.settings.retries, maxRetryTimeMs: this.settings.timeoutMs * 2 },
      network,
    });
    return { client, gate };
  }
}

function skipAll(reason: string): CheckResult[] {
  return [
    skipped('safe', `Not checked: ${reason}.`),
    skipped('safe-permissions', `Not checked: ${reason}.`),
    skipped('platform', `Not checked: ${reason}.`),
    skipped('platform-properties', `Not checked: ${reason}.`),
  ];
}
