import { request as httpsRequest, Agent } from 'node:https';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { agentPolicy } from '@azure/core-rest-pipeline';
import { ClientSecretCredential, type ClientSecretCredentialOptions } from '@azure/identity';
import { CryptographyClient, KeyClient, type KeyClientOptions } from '@azure/keyvault-keys';
import { type RunningKeyVaultSimulator, startKeyVaultSimulator } from '../src/simulator';

/** In-process simulator + the real Azure SDK wired to it, for this service's integration tests. */

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or undefined when empty or not JSON. */
  json: unknown;
  text: string;
}

export type RetryOptions = NonNullable<KeyClientOptions['retryOptions']>;

/** Fast SDK retries so fault tests do not wait the default seconds between attempts. */
export const FAST_RETRIES: RetryOptions = { maxRetries: 3, retryDelayInMs: 5, maxRetryDelayInMs: 20 };

export interface Harness {
  simulator: RunningKeyVaultSimulator;
  /** JSON call to `/_control<path>`; throws unless the status is 2xx (use `controlRaw` to see errors). */
  control: <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;
  controlRaw: (method: string, path: string, body?: unknown) => Promise<HttpAnswer>;
  /** A fresh tenant with one app; returns its ids and secret. */
  newApp: (tenantId?: string) => Promise<App>;
  /** A fresh vault in the tenant (created if needed) with the app holding `role` (omit for none). */
  newVault: (app: App, role?: string) => Promise<{ name: string; vaultUrl: string }>;
  credential: (app: App, options?: Partial<ClientSecretCredentialOptions>) => ClientSecretCredential;
  keyClient: (vaultUrl: string, credential: ClientSecretCredential, retryOptions?: RetryOptions) => KeyClient;
  cryptoClient: (
    keyId: string,
    credential: ClientSecretCredential,
    retryOptions?: RetryOptions,
  ) => CryptographyClient;
  /** Raw HTTPS to a vault or Entra (trusting the simulator CA), for what the SDK never sends. */
  https: (method: string, url: string, options?: HttpsOptions) => Promise<HttpAnswer>;
  /** A real token for the app, straight from the token endpoint. */
  token: (app: App) => Promise<string>;
  stop: () => Promise<void>;
}

export interface HttpsOptions {
  token?: string;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface App {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

export async function startHarness(): Promise<Harness> {
  const simulator = await startKeyVaultSimulator({ logger: pino({ level: 'silent' }) });
  const agent = new Agent({ ca: simulator.caPem, keepAlive: true });
  const additionalPolicies = [{ policy: agentPolicy(agent), position: 'perCall' as const }];
  const controlRaw = (method: string, path: string, body?: unknown) =>
    send(method, `${simulator.controlUrl}/_control${path}`, body);
  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const answer = await controlRaw(method, path, body);
    if (answer.status >= 300) throw new Error(`${method} ${path} → ${answer.status}: ${answer.text}`);
    return answer.json as T;
  };
  let vaultCount = 0;
  const harness: Harness = {
    simulator,
    control,
    controlRaw,
    newApp: async (tenantId = randomUUID()) => {
      const app = { tenantId, clientId: randomUUID(), clientSecret: `secret-${randomUUID()}` };
      await control('PUT', `/tenants/${tenantId}/apps/${app.clientId}`, { clientSecret: app.clientSecret });
      return app;
    },
    newVault: async (app, role) => {
      const name = `kv-${process.pid}-${++vaultCount}`;
      const vault = await control<{ name: string; vaultUrl: string }>('POST', '/vaults', {
        name,
        tenantId: app.tenantId,
      });
      if (role) await control('POST', `/vaults/${name}/role-assignments`, { clientId: app.clientId, role });
      return vault;
    },
    credential: (app, options = {}) =>
      new ClientSecretCredential(app.tenantId, app.clientId, app.clientSecret, {
        authorityHost: simulator.authorityHost,
        disableInstanceDiscovery: true,
        additionalPolicies,
        ...options,
      }),
    keyClient: (vaultUrl, credential, retryOptions) =>
      new KeyClient(vaultUrl, credential, {
        disableChallengeResourceVerification: true,
        additionalPolicies,
        ...(retryOptions ? { retryOptions } : {}),
      }),
    cryptoClient: (keyId, credential, retryOptions) =>
      new CryptographyClient(keyId, credential, {
        disableChallengeResourceVerification: true,
        additionalPolicies,
        ...(retryOptions ? { retryOptions } : {}),
      }),
    https: (method, url, options = {}) => httpsCall(method, url, simulator.caPem, options),
    token: async (app) => {
      const answer = await httpsCall(
        'POST',
        `${simulator.authorityHost}/${app.tenantId}/oauth2/v2.0/token`,
        simulator.caPem,
        {
          contentType: 'application/x-www-form-urlencoded',
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: app.clientId,
            client_secret: app.clientSecret,
            scope: 'https://vault.azure.net/.default',
          }).toString(),
        },
      );
      if (answer.status !== 200) throw new Error(`token request failed: ${answer.text}`);
      return (answer.json as { access_token: string }).access_token;
    },
    stop: async () => {
      agent.destroy();
      await simulator.stop();
    },
  };
  return harness;
}

async function send(method: string, url: string, body?: unknown): Promise<HttpAnswer> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    json: parseJson(text),
    text,
  };
}

function httpsCall(method: string, url: string, ca: string, options: HttpsOptions): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const req = httpsRequest(url, { method, ca, headers, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, json: parseJson(text), text }),
      );
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `{alg, value}` body of wrapkey/unwrapkey. */
export function cryptoBody(alg: string, value: Buffer): string {
  return JSON.stringify({ alg, value: value.toString('base64url') });
}
