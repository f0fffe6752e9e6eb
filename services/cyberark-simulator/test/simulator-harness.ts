import { request as httpsRequest } from 'node:https';
import pino from 'pino';
import { type RunningSimulator, startSimulator } from '../src/simulator';

/** In-process simulator for this service's integration tests (other services use the child-process helper). */

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  json: unknown;
}

export const TENANT = 'acme';
export const CLIENT_ID = 'backup-svc@cyberark.cloud.1312';
export const CLIENT_SECRET = 'sim-test-client-secret';
export const SAFE = 'DR-Backup';
export const PLATFORM = 'WinDomain';

export interface Harness {
  simulator: RunningSimulator;
  baseUrl: string;
  control: (method: string, path: string, body?: unknown) => Promise<HttpAnswer>;
  /** `{baseUrl}/t/<tenant>/pcloud/PasswordVault/API` + path */
  api: (
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; tenant?: string; rawBody?: string },
  ) => Promise<HttpAnswer>;
  token: (options?: { tenant?: string; clientId?: string; clientSecret?: string }) => Promise<string>;
  stop: () => Promise<void>;
}

export async function startHarness(options: { ccp?: boolean } = {}): Promise<Harness> {
  const simulator = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    ccp: options.ccp ? { port: 0 } : false,
    logger: pino({ level: 'silent' }),
  });
  const baseUrl = `http://127.0.0.1:${simulator.httpPort}`;
  const control = (method: string, path: string, body?: unknown) =>
    send(method, `${baseUrl}/_control${path}`, body);
  const api: Harness['api'] = (method, path, opts = {}) =>
    send(
      method,
      `${baseUrl}/t/${opts.tenant ?? TENANT}/pcloud/PasswordVault/API${path}`,
      opts.body,
      {
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      },
      opts.rawBody,
    );
  const token: Harness['token'] = async (opts = {}) => {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: opts.clientId ?? CLIENT_ID,
      client_secret: opts.clientSecret ?? CLIENT_SECRET,
    });
    const answer = await postForm(
      `${baseUrl}/t/${opts.tenant ?? TENANT}/identity/oauth2/platformtoken`,
      form.toString(),
    );
    if (answer.status !== 200) throw new Error(`token request failed with ${answer.status}`);
    return (answer.json as { access_token: string }).access_token;
  };
  return { simulator, baseUrl, control, api, token, stop: () => simulator.stop() };
}

/** A tenant with one service account, one platform and one Safe the account may fully use. */
export async function seedStandardTenant(
  harness: Harness,
  permissions: Record<string, boolean> = allPermissions(),
): Promise<void> {
  await expectOk(harness.control('PUT', `/tenants/${TENANT}`, {}));
  await expectOk(
    harness.control('PUT', `/tenants/${TENANT}/service-accounts/${encodeURIComponent(CLIENT_ID)}`, {
      clientSecret: CLIENT_SECRET,
    }),
  );
  await expectOk(
    harness.control('PUT', `/tenants/${TENANT}/platforms/${PLATFORM}`, {
      required: ['Address', 'Username'],
      optional: ['Port', 'LogonDomain', 'accountId', 'provider'],
    }),
  );
  await expectOk(
    harness.control('PUT', `/tenants/${TENANT}/safes/${SAFE}`, {
      members: [{ memberName: CLIENT_ID, permissions }],
    }),
  );
}

export function allPermissions(): Record<string, boolean> {
  return {
    listAccounts: true,
    addAccounts: true,
    updateAccountProperties: true,
    updateAccountContent: true,
    deleteAccounts: true,
    viewSafeMembers: true,
  };
}

export async function expectOk(answer: Promise<HttpAnswer>): Promise<HttpAnswer> {
  const resolved = await answer;
  if (resolved.status >= 300) throw new Error(`expected success, got ${resolved.status}: ${resolved.text}`);
  return resolved;
}

export function newAccount(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    safeName: SAFE,
    platformId: PLATFORM,
    address: 'host-1.example.com',
    userName: 'svc-user',
    secretType: 'password',
    secret: 'P@ssw0rd-1',
    ...overrides,
  };
}

export async function send(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
  rawBody?: string,
): Promise<HttpAnswer> {
  const payload = rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
  const response = await fetch(url, {
    method,
    headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(payload === undefined ? {} : { body: payload }),
  });
  return toAnswer(response.status, response.headers, await response.text());
}

export async function postForm(
  url: string,
  form: string,
  contentType = 'application/x-www-form-urlencoded',
): Promise<HttpAnswer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body: form });
  return toAnswer(response.status, response.headers, await response.text());
}

function toAnswer(status: number, headers: Headers, text: string): HttpAnswer {
  let json: unknown;
  try {
    json = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status, headers, text, json };
}

export interface TlsClientOptions {
  ca: string;
  cert?: string;
  key?: string;
}

/** GET over HTTPS with an optional client certificate (fetch cannot present one without extra packages). */
export function httpsGet(url: string, tls: TlsClientOptions): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      url,
      { method: 'GET', ca: tls.ca, cert: tls.cert, key: tls.key, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers))
            if (typeof value === 'string') headers.set(name, value);
          resolve(toAnswer(response.statusCode ?? 0, headers, Buffer.concat(chunks).toString('utf8')));
        });
      },
    );
    request.on('error', reject);
    request.end();
  });
}
