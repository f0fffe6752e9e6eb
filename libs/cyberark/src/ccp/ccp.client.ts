import { Secret } from '@vault-backup/config';
import { CyberArkInvalidRequestError } from '../cyberark.errors';
import { type BreakerState, type CyberArkClientObserver } from '../cyberark.observer';
import { type QueryValue, encodeQuery } from '../tenant/tenant-urls';
import { TenantCircuitBreaker } from '../transport/circuit-breaker';
import { HttpTransport } from '../transport/http.transport';
import { type BreakerOptions, type NetworkOptions, type RetryOptions } from '../transport/transport.options';
import {
  invalidResponse,
  optionalBoolean,
  optionalString,
  requireRecord,
  stringMap,
} from '../wire/wire-readers';
import { resolveClientOptions } from '../client/cyberark-client.options';
import { parseJson } from '../client/privilege-cloud.requester';

export interface CcpClientOptions {
  /** The CCP host, e.g. `https://ccp.example.com`; must be https (the client certificate is the credential). */
  readonly baseUrl: string;
  /** Client certificate chain (PEM). */
  readonly cert: string | Buffer;
  /** Client private key (PEM). */
  readonly key: Secret<string | Buffer>;
  readonly passphrase?: Secret;
  /** CA(s) that signed the CCP server certificate, when not a public one. */
  readonly ca?: string | Buffer | (string | Buffer)[];
  /** Default `AIMWebService`. */
  readonly servicePath?: string;
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryOptions>;
  readonly breaker?: Partial<BreakerOptions>;
  readonly network?: Pick<NetworkOptions, 'lookup' | 'beforeRequest' | 'proxy' | 'maxResponseBytes'>;
  readonly observer?: CyberArkClientObserver;
  readonly now?: () => number;
  readonly random?: () => number;
}

export interface CcpQuery {
  readonly appId: string;
  readonly safe: string;
  /** Self-hosted vaults only; CCP defaults to `Root`. */
  readonly folder?: string;
  readonly object: string;
  /** Audited by CyberArk. */
  readonly reason?: string;
}

export interface CcpSecret {
  readonly content: Secret;
  readonly name?: string;
  readonly userName?: string;
  readonly address?: string;
  readonly safe?: string;
  readonly folder?: string;
  readonly passwordChangeInProcess: boolean;
  /** Every other field CCP returned, as strings. */
  readonly properties: Readonly<Record<string, string>>;
}

const ROUTE = 'AIMWebService/api/Accounts';
const OPERATION = `GET ${ROUTE}`;
/** CCP rejects these in parameter values (and `;` would change the meaning of a Query). */
const FORBIDDEN_VALUE_CHARACTERS = /[+&%;]/;
const KNOWN_FIELDS = new Set([
  'Content',
  'UserName',
  'Address',
  'Name',
  'Safe',
  'Folder',
  'PasswordChangeInProcess',
]);

/**
 * Central Credential Provider over mutual TLS. Its `{ErrorCode, ErrorMsg}` errors become the same
 * typed errors as the Privilege Cloud API (APPAP004E: account-not-found, APPAP306E: auth, ...).
 */
export class CcpClient {
  readonly #breaker: TenantCircuitBreaker;
  readonly #transport: HttpTransport;
  readonly #endpoint: string;

  constructor(options: CcpClientOptions) {
    const base = parseHttpsBase(options.baseUrl);
    const servicePath = options.servicePath ?? 'AIMWebService';
    this.#endpoint = `${base}${encodeURIComponent(servicePath)}/api/Accounts`;
    const resolved = resolveClientOptions({ ...options, network: options.network });
    const key = `ccp|${base}`;
    this.#breaker = new TenantCircuitBreaker(key, resolved.breaker, resolved.observer);
    this.#transport = new HttpTransport({
      ...resolved,
      tenantKey: key,
      breaker: this.#breaker,
      tls: {
        cert: options.cert,
        key: options.key.reveal(),
        passphrase: options.passphrase?.reveal(),
        ca: options.ca,
      },
    });
  }

  async retrieveSecret(query: CcpQuery): Promise<CcpSecret> {
    const params: Record<string, QueryValue> = {
      AppID: query.appId,
      Safe: query.safe,
      Folder: query.folder,
      Object: query.object,
      Reason: query.reason,
    };
    assertSendable(params);
    const response = await this.#transport.send({
      method: 'GET',
      url: `${this.#endpoint}${encodeQuery(params)}`,
      route: ROUTE,
      resource: 'ccp',
      idempotent: true,
    });
    return toCcpSecret(parseJson(response.text, OPERATION));
  }

  getBreakerState(): BreakerState {
    return this.#breaker.state;
  }

  dispose(): void {
    this.#breaker.shutdown();
    this.#transport.dispose();
  }
}

function toCcpSecret(raw: unknown): CcpSecret {
  const record = requireRecord(raw, OPERATION, 'CCP answer');
  const content = record['Content'];
  if (typeof content !== 'string') throw invalidResponse(OPERATION, 'Content is missing');
  const others = Object.fromEntries(Object.entries(record).filter(([field]) => !KNOWN_FIELDS.has(field)));
  return {
    content: new Secret(content),
    name: optionalString(record, 'Name'),
    userName: optionalString(record, 'UserName'),
    address: optionalString(record, 'Address'),
    safe: optionalString(record, 'Safe'),
    folder: optionalString(record, 'Folder'),
    passwordChangeInProcess: optionalBoolean(record, 'PasswordChangeInProcess') ?? false,
    properties: stringMap(others),
  };
}

function assertSendable(params: Readonly<Record<string, QueryValue>>): void {
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (String(value).trim() === '' && name !== 'Folder') {
      throw new CyberArkInvalidRequestError(`CCP parameter ${name} is empty`, { operation: OPERATION });
    }
    if (FORBIDDEN_VALUE_CHARACTERS.test(String(value))) {
      throw new CyberArkInvalidRequestError(
        `CCP parameter ${name} contains + & % or ;, which CCP does not accept`,
        {
          operation: OPERATION,
        },
      );
    }
  }
}

function parseHttpsBase(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new CyberArkInvalidRequestError('CCP baseUrl is not a URL');
  }
  if (url.protocol !== 'https:')
    throw new CyberArkInvalidRequestError('CCP baseUrl must be https (mutual TLS)');
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new CyberArkInvalidRequestError('CCP baseUrl must not carry credentials, a query or a fragment');
  }
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}
