import { request as httpsRequest, type RequestOptions } from 'node:https';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { agentPolicy } from '@azure/core-rest-pipeline';
import { ClientSecretCredential, type ClientSecretCredentialOptions } from '@azure/identity';
import { CryptographyClient, KeyClient, type KeyClientOptions } from '@azure/keyvault-keys';
import { isKeyVaultHost, keyVaultFrontDoorAgent } from '@vault-backup/testing';
import {
  type FrontDoorAddress,
  type RunningKeyVaultSimulator,
  startKeyVaultSimulator,
} from '../src/simulator';

/**
 * In-process simulator + the real Azure SDK wired to it, for this service's integration tests.
 * Every client goes through one agent that dials Azure-form vault hosts (`*.vault.azure.net`…) at
 * the front door and everything else (Entra ID, loopback vault URLs) as asked, so a test picks the
 * entrance by the URL it uses: `vaultUrl`/`kid` (front door) or `directUrl`/`directKid`.
 */

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
  newVault: (app: App, role?: string, cloud?: string) => Promise<VaultAddress>;
  credential: (app: App, options?: Partial<ClientSecretCredentialOptions>) => ClientSecretCredential;
  /**
   * `disableChallengeResourceVerification` is set for loopback URLs only: an Azure-form vault URL
   * must pass the SDK's check as it stands.
   */
  keyClient: (vaultUrl: string, credential: ClientSecretCredential, retryOptions?: RetryOptions) => KeyClient;
  cryptoClient: (
    keyId: string,
    credential: ClientSecretCredential,
    retryOptions?: RetryOptions,
  ) => CryptographyClient;
  /**
   * Raw HTTPS to a vault or Entra (trusting the simulator CA), for what the SDK never sends. An
   * Azure-form vault URL goes to the front door with its host as TLS server name and `Host`.
   */
  https: (method: string, url: string, options?: HttpsOptions) => Promise<HttpAnswer>;
  /** Raw HTTPS to the front door with the TLS server name and `Host` chosen freely (null: none sent). */
  frontDoorHttps: (method: string, path: string, options: FrontDoorHttpsOptions) => Promise<HttpAnswer>;
  /** A real token for the app, straight from the token endpoint (default resource: the public cloud's). */
  token: (app: App, resource?: string) => Promise<string>;
  stop: () => Promise<void>;
}

export interface HttpsOptions {
  token?: string;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface FrontDoorHttpsOptions extends HttpsOptions {
  servername: string | null;
  host: string | null;
}

export interface VaultAddress {
  name: string;
  /** `https://<name>.vault.azure.net`: through the front door. */
  vaultUrl: string;
  /** `https://127.0.0.1:<port>`: the vault's own listener. */
  directUrl: string;
}

export interface App {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

export async function startHarness(): Promise<Harness> {
  const simulator = await startKeyVaultSimulator({ logger: pino({ level: 'silent' }) });
  const agent = keyVaultFrontDoorAgent({ frontDoor: simulator.frontDoor, caPem: simulator.caPem });
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
    newVault: async (app, role, cloud) => {
      const name = `kv-${process.pid}-${++vaultCount}`;
      const vault = await control<VaultAddress>('POST', '/vaults', {
        name,
        tenantId: app.tenantId,
        ...(cloud ? { cloud } : {}),
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
        ...loopbackOnly(vaultUrl),
        additionalPolicies,
        ...(retryOptions ? { retryOptions } : {}),
      }),
    cryptoClient: (keyId, credential, retryOptions) =>
      new CryptographyClient(keyId, credential, {
        ...loopbackOnly(keyId),
        additionalPolicies,
        ...(retryOptions ? { retryOptions } : {}),
      }),
    https: (method, url, options = {}) => {
      const { hostname, pathname, search } = new URL(url);
      if (!isKeyVaultHost(hostname)) return httpsCall(method, url, simulator.caPem, options);
      const front = { ...options, servername: hostname, host: hostname };
      return frontDoorCall(simulator.frontDoor, method, `${pathname}${search}`, simulator.caPem, front);
    },
    frontDoorHttps: (method, path, options) =>
      frontDoorCall(simulator.frontDoor, method, path, simulator.caPem, options),
    token: async (app, resource = 'https://vault.azure.net') => {
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
            scope: `${resource}/.default`,
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

/** The SDK's resource check is switched off only where it cannot pass: a loopback vault URL. */
function loopbackOnly(url: string): { disableChallengeResourceVerification?: true } {
  return isKeyVaultHost(new URL(url).hostname) ? {} : { disableChallengeResourceVerification: true };
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
  const { hostname, port, pathname, search } = new URL(url);
  const target = { host: hostname, port: Number(port || 443), path: `${pathname}${search}` };
  return rawHttps({ ...target, method, ca, headers: headersFor(options), agent: false }, options.body);
}

/**
 * A request dialled at the front door whatever it names: `servername` null sends no SNI (as when
 * dialling an IP), `host` null sends `Host: 127.0.0.1:<port>` (what a client addressing the IP sends).
 */
function frontDoorCall(
  frontDoor: FrontDoorAddress,
  method: string,
  path: string,
  ca: string,
  options: FrontDoorHttpsOptions,
): Promise<HttpAnswer> {
  const headers = headersFor(options);
  if (options.host !== null) headers.host = options.host;
  return rawHttps(
    {
      host: frontDoor.host,
      port: frontDoor.port,
      path,
      method,
      ca,
      headers,
      agent: false,
      // Node would derive the server name from the Host header; an empty one sends no SNI at all
      // (as when dialling an IP), and the certificate is then checked against 127.0.0.1.
      servername: options.servername ?? '',
    },
    options.body,
  );
}

function headersFor(options: HttpsOptions): Record<string, string> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  return headers;
}

function rawHttps(requestOptions: RequestOptions, body: string | undefined): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(requestOptions, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, json: parseJson(text), text }),
      );
    });
    req.on('error', reject);
    req.end(body);
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
