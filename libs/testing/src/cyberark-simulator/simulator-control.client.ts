import { Secret } from '@vault-backup/config';
import { AppError } from '@vault-backup/errors';
import { controlCall } from '../support/control-call';
import {
  type CcpAppInput,
  type CcpAppView,
  type CcpClientCertificate,
  type FaultSpec,
  type FaultView,
  type LatencyRule,
  type LogReadOptions,
  type MemberInput,
  type PlatformInput,
  type PlatformView,
  type RequestLogPage,
  type SafeInput,
  type SafeView,
  type SeedAccountInput,
  type SeedDocument,
  type ServiceAccountInput,
  type SimulatorAccount,
  type TenantBehaviour,
  type TenantView,
  type WriteLogEntry,
  type WriteLogPage,
} from './simulator-control.types';

/** A control call the simulator refused; its message carries the simulator's explanation, never a secret. */
export class SimulatorControlError extends AppError {
  readonly code = 'SIMULATOR_CONTROL_FAILED';
  readonly retriable = false;

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type WireAccount = Omit<SimulatorAccount, 'secret'> & { secret: string };
type WireCertificate = Omit<CcpClientCertificate, 'keyPem'> & { keyPem: string };

const segment = encodeURIComponent;
const WRITE_LOG_PAGE = 10_000;
const reveal = (value: Secret<string> | string | undefined): string | undefined =>
  value instanceof Secret ? value.reveal() : value;

/** Typed client of the simulator's `/_control` API; one method per route. */
export class SimulatorControlClient {
  private readonly controlUrl: string;

  /** @param baseUrl e.g. `http://127.0.0.1:18080` */
  constructor(baseUrl: string) {
    this.controlUrl = `${baseUrl.replace(/\/+$/, '')}/_control`;
  }

  health(): Promise<{ status: string }> {
    return this.call('GET', '/health');
  }

  /** Forgets every tenant, token, CCP app, fault, request-log and write-log entry. */
  reset(): Promise<void> {
    return this.call('POST', '/reset');
  }

  seed(document: SeedDocument): Promise<void> {
    return this.call('POST', '/seed', document);
  }

  // Tenants ----------------------------------------------------------------------------------

  listTenants(): Promise<TenantView[]> {
    return this.call('GET', '/tenants');
  }

  /** Creates the tenant, or updates the behaviour switches of an existing one. */
  putTenant(tenantId: string, input: { behaviour?: Partial<TenantBehaviour> } = {}): Promise<TenantView> {
    return this.call('PUT', `/tenants/${segment(tenantId)}`, input);
  }

  getTenant(tenantId: string): Promise<TenantView> {
    return this.call('GET', `/tenants/${segment(tenantId)}`);
  }

  deleteTenant(tenantId: string): Promise<void> {
    return this.call('DELETE', `/tenants/${segment(tenantId)}`);
  }

  updateBehaviour(tenantId: string, behaviour: Partial<TenantBehaviour>): Promise<TenantBehaviour> {
    return this.call('PATCH', `/tenants/${segment(tenantId)}/behaviour`, behaviour);
  }

  // Service accounts and tokens --------------------------------------------------------------

  putServiceAccount(
    tenantId: string,
    clientId: string,
    input: ServiceAccountInput,
  ): Promise<{ clientId: string; isOauthConfidentialClient: boolean }> {
    const body = {
      clientSecret: reveal(input.clientSecret),
      ...(input.isOauthConfidentialClient !== undefined
        ? { isOauthConfidentialClient: input.isOauthConfidentialClient }
        : {}),
    };
    return this.call('PUT', `/tenants/${segment(tenantId)}/service-accounts/${segment(clientId)}`, body);
  }

  deleteServiceAccount(tenantId: string, clientId: string): Promise<void> {
    return this.call('DELETE', `/tenants/${segment(tenantId)}/service-accounts/${segment(clientId)}`);
  }

  /** Invalidates issued tokens at once (all of the tenant's, or one client's): the next API call gets 401. */
  revokeTokens(tenantId: string, clientId?: string): Promise<{ revoked: number }> {
    return this.call(
      'POST',
      `/tenants/${segment(tenantId)}/tokens/revoke`,
      clientId === undefined ? {} : { clientId },
    );
  }

  // Platforms, Safes, CCP apps ---------------------------------------------------------------

  putPlatform(tenantId: string, platformId: string, input: PlatformInput = {}): Promise<PlatformView> {
    return this.call('PUT', `/tenants/${segment(tenantId)}/platforms/${segment(platformId)}`, input);
  }

  putSafe(tenantId: string, safeName: string, input: SafeInput = {}): Promise<SafeView> {
    return this.call('PUT', `/tenants/${segment(tenantId)}/safes/${segment(safeName)}`, input);
  }

  listSafes(tenantId: string): Promise<SafeView[]> {
    return this.call('GET', `/tenants/${segment(tenantId)}/safes`);
  }

  putSafeMember(
    tenantId: string,
    safeName: string,
    memberName: string,
    input: MemberInput,
  ): Promise<SafeView> {
    return this.call(
      'PUT',
      `/tenants/${segment(tenantId)}/safes/${segment(safeName)}/members/${segment(memberName)}`,
      input,
    );
  }

  deleteSafeMember(tenantId: string, safeName: string, memberName: string): Promise<void> {
    return this.call(
      'DELETE',
      `/tenants/${segment(tenantId)}/safes/${segment(safeName)}/members/${segment(memberName)}`,
    );
  }

  putCcpApp(tenantId: string, appId: string, input: CcpAppInput): Promise<CcpAppView> {
    return this.call('PUT', `/tenants/${segment(tenantId)}/ccp-apps/${segment(appId)}`, input);
  }

  deleteCcpApp(tenantId: string, appId: string): Promise<void> {
    return this.call('DELETE', `/tenants/${segment(tenantId)}/ccp-apps/${segment(appId)}`);
  }

  // Accounts (secrets included: test assertions only) ----------------------------------------

  async listAccounts(tenantId: string, options: { safeName?: string } = {}): Promise<SimulatorAccount[]> {
    const query = options.safeName === undefined ? '' : `?safeName=${segment(options.safeName)}`;
    const accounts = await this.call<WireAccount[]>('GET', `/tenants/${segment(tenantId)}/accounts${query}`);
    return accounts.map(wrapSecret);
  }

  async getAccount(tenantId: string, accountId: string): Promise<SimulatorAccount> {
    return wrapSecret(
      await this.call<WireAccount>('GET', `/tenants/${segment(tenantId)}/accounts/${segment(accountId)}`),
    );
  }

  async seedAccount(tenantId: string, input: SeedAccountInput): Promise<SimulatorAccount> {
    const body = { ...input, ...(input.secret !== undefined ? { secret: reveal(input.secret) } : {}) };
    return wrapSecret(await this.call<WireAccount>('POST', `/tenants/${segment(tenantId)}/accounts`, body));
  }

  // Faults and latency -----------------------------------------------------------------------

  addFault(tenantId: string, spec: FaultSpec): Promise<FaultView> {
    return this.call('POST', `/tenants/${segment(tenantId)}/faults`, spec);
  }

  listFaults(tenantId: string): Promise<FaultView[]> {
    return this.call('GET', `/tenants/${segment(tenantId)}/faults`);
  }

  removeFault(tenantId: string, faultId: string): Promise<void> {
    return this.call('DELETE', `/tenants/${segment(tenantId)}/faults/${segment(faultId)}`);
  }

  clearFaults(tenantId: string): Promise<void> {
    return this.call('DELETE', `/tenants/${segment(tenantId)}/faults`);
  }

  setLatency(tenantId: string, rules: LatencyRule[]): Promise<{ rules: LatencyRule[] }> {
    return this.call('PUT', `/tenants/${segment(tenantId)}/latency`, { rules });
  }

  clearLatency(tenantId: string): Promise<void> {
    return this.call('DELETE', `/tenants/${segment(tenantId)}/latency`);
  }

  // Request log, write log and CCP certificates ---------------------------------------------

  readRequests(options: LogReadOptions = {}): Promise<RequestLogPage> {
    return this.call('GET', `/requests${logQuery(options)}`);
  }

  clearRequests(): Promise<void> {
    return this.call('DELETE', '/requests');
  }

  /** One page of committed account writes; pass the returned `cursor` as `since` for the next. */
  writeLog(options: LogReadOptions = {}): Promise<WriteLogPage> {
    return this.call('GET', `/write-log${logQuery(options)}`);
  }

  /** Every retained write (of one tenant), oldest first, paging until a page comes back short. */
  async readWholeWriteLog(tenant?: string, pageSize = WRITE_LOG_PAGE): Promise<WriteLogEntry[]> {
    const entries: WriteLogEntry[] = [];
    let since = 0;
    for (;;) {
      const page = await this.writeLog({
        since,
        limit: pageSize,
        ...(tenant !== undefined ? { tenant } : {}),
      });
      entries.push(...page.entries);
      // The simulator fills a page unless it reached the end of the log.
      if (page.entries.length < pageSize) return entries;
      since = page.cursor;
    }
  }

  clearWriteLog(): Promise<void> {
    return this.call('DELETE', '/write-log');
  }

  async ccpCaCertificate(): Promise<string> {
    return (await this.call<{ caCertPem: string }>('GET', '/ccp/ca')).caCertPem;
  }

  /** A client certificate signed by the CA the CCP listener trusts (only when the simulator generated that CA). */
  async issueCcpClientCertificate(commonName?: string): Promise<CcpClientCertificate> {
    const wire = await this.call<WireCertificate>(
      'POST',
      '/ccp/client-certificates',
      commonName === undefined ? {} : { commonName },
    );
    return { ...wire, keyPem: new Secret(wire.keyPem) };
  }

  private call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return controlCall<T>(
      this.controlUrl,
      method,
      path,
      body,
      (status, message) => new SimulatorControlError(status, message),
    );
  }
}

function logQuery(options: LogReadOptions): string {
  const query = new URLSearchParams();
  if (options.since !== undefined) query.set('since', String(options.since));
  if (options.tenant !== undefined) query.set('tenant', options.tenant);
  if (options.limit !== undefined) query.set('limit', String(options.limit));
  return query.size > 0 ? `?${query.toString()}` : '';
}

function wrapSecret(account: WireAccount): SimulatorAccount {
  return { ...account, secret: new Secret(account.secret) };
}
