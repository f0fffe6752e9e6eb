import { Agent, type AgentOptions, type RequestOptions } from 'node:https';
import { type Duplex } from 'node:stream';
import { rootCertificates } from 'node:tls';
import {
  type PipelinePolicy,
  type PipelineRequest,
  type PipelineResponse,
  agentPolicy,
} from '@azure/core-rest-pipeline';
import { type IdentityResponseRecord } from '../errors/identity-failure.reader';
import { VaultErrorBodies } from '../errors/vault-error-body';
import { type KeyVaultUrlPolicy, type VaultAddress } from '../vault-url/key-vault-url.policy';
import { type VaultConnectTo } from './key-vault-connection.options';

/** Core-client's `AdditionalPolicyConfig`, stated here rather than imported from one more transitive package. */
export interface VaultPolicyConfig {
  readonly policy: PipelinePolicy;
  readonly position: 'perCall' | 'perRetry';
}

export interface VaultNetworkOptions {
  readonly urlPolicy: KeyVaultUrlPolicy;
  readonly vault: VaultAddress;
  readonly requestTimeoutMs: number;
  readonly extraCaPem?: string;
  /** Connections to the vault's host go here instead (simulators); see `KeyVaultAdapterOptions`. */
  readonly connectTo?: VaultConnectTo;
  readonly now: () => number;
}

/**
 * The network of one connection: one keep-alive `https.Agent` whose `lookup` is the URL policy's
 * resolve-then-connect lookup, used for every request of both pipelines (vault and Entra ID).
 *
 * `agentPolicy` alone is not enough: it only sets an agent when none is set, and it runs after the
 * SDK's `proxyPolicy`, which installs a proxy agent when `HTTPS_PROXY` is in the environment; the
 * proxy would then resolve the vault name itself and the lookup would never run. So a second policy,
 * right before the HTTP client, pins the agent, bounds the request time and (vault pipeline) refuses
 * any request that is not for the configured vault, redirects included.
 */
/**
 * Sends the vault host's connections to another address while TLS still names (SNI) and verifies the
 * vault host, as curl's `--connect-to` does; any other host (Entra ID) connects as it is.
 */
class ConnectToAgent extends Agent {
  constructor(
    options: AgentOptions,
    private readonly vaultHost: string,
    private readonly target: VaultConnectTo,
  ) {
    super(options);
  }

  override createConnection(
    options: RequestOptions,
    callback?: (error: Error | null, socket: Duplex) => void,
  ): Duplex | null | undefined {
    if (options.host !== this.vaultHost) return super.createConnection(options, callback);
    return super.createConnection(
      { ...options, host: this.target.host, port: this.target.port, servername: this.vaultHost },
      callback,
    );
  }
}

export class VaultNetwork {
  readonly agent: Agent;
  readonly errorBodies = new VaultErrorBodies();
  #identityResponse?: IdentityResponseRecord;

  constructor(private readonly options: VaultNetworkOptions) {
    const agentOptions = {
      keepAlive: true,
      lookup: options.urlPolicy.lookup,
      ...(options.extraCaPem === undefined ? {} : { ca: [...rootCertificates, options.extraCaPem] }),
    };
    this.agent =
      options.connectTo === undefined
        ? new Agent(agentOptions)
        : new ConnectToAgent(agentOptions, options.vault.hostname, options.connectTo);
  }

  /** For `KeyClient` and `CryptographyClient`. */
  vaultPolicies(): VaultPolicyConfig[] {
    return [
      { policy: agentPolicy(this.agent), position: 'perCall' },
      {
        policy: this.#guard(
          'vaultBackupVaultGuard',
          (request) => this.#assertVault(request),
          (request, response) => this.#recordVault(request, response),
        ),
        position: 'perRetry',
      },
    ];
  }

  /** For the credential (MSAL's HTTP goes through identity's pipeline). */
  identityPolicies(): VaultPolicyConfig[] {
    return [
      { policy: agentPolicy(this.agent), position: 'perCall' },
      {
        policy: this.#guard(
          'vaultBackupIdentityGuard',
          () => undefined,
          (_request, response) => this.#recordIdentity(response),
          (error) => this.#recordIdentityFailure(error),
        ),
        position: 'perRetry',
      },
    ];
  }

  /** The newest failed answer of Entra ID at or after `sinceMs` (MSAL reports them only as "network error"). */
  identityResponseSince(sinceMs: number): IdentityResponseRecord | undefined {
    const latest = this.#identityResponse;
    return latest !== undefined && latest.atMs >= sinceMs ? latest : undefined;
  }

  close(): void {
    this.agent.destroy();
  }

  #guard(
    name: string,
    check: (request: PipelineRequest) => void,
    onResponse: (request: PipelineRequest, response: PipelineResponse) => void,
    onThrow: (error: unknown) => void = () => undefined,
  ): PipelinePolicy {
    return {
      name,
      sendRequest: async (request, next) => {
        check(request);
        request.agent = this.agent;
        request.proxySettings = undefined;
        request.allowInsecureConnection = false;
        if (!(request.timeout > 0) || request.timeout > this.options.requestTimeoutMs) {
          request.timeout = this.options.requestTimeoutMs;
        }
        try {
          const response = await next(request);
          onResponse(request, response);
          return response;
        } catch (error) {
          onThrow(error);
          throw error;
        }
      },
    };
  }

  #assertVault(request: PipelineRequest): void {
    this.options.urlPolicy.assertSameVault(new URL(request.url), this.options.vault);
  }

  #recordVault(request: PipelineRequest, response: PipelineResponse): void {
    if (response.status >= 400) this.errorBodies.record(request, response.bodyAsText ?? undefined);
  }

  #recordIdentity(response: PipelineResponse): void {
    if (response.status < 400) return;
    const body = parseOAuthError(response.bodyAsText ?? undefined);
    this.#identityResponse = { atMs: this.options.now(), status: response.status, ...body };
  }

  #recordIdentityFailure(error: unknown): void {
    const timedOut = error instanceof Error && error.name === 'AbortError';
    this.#identityResponse = { atMs: this.options.now(), failure: timedOut ? 'timeout' : 'connection' };
  }
}

function parseOAuthError(text: string | undefined): { error?: string; description?: string } {
  if (text === undefined) return {};
  try {
    const parsed = JSON.parse(text) as { error?: unknown; error_description?: unknown };
    return {
      ...(typeof parsed.error === 'string' ? { error: parsed.error } : {}),
      ...(typeof parsed.error_description === 'string'
        ? { description: parsed.error_description.slice(0, 300) }
        : {}),
    };
  } catch {
    return {};
  }
}
