import { ConfigurationError } from '@vault-backup/errors';
import { UrlNotAllowedError } from '../errors/url-not-allowed.error';
import { classifyAddress, isIpLiteral, stripBrackets } from '../network/address-guard';
import { type ResolvedAddress, systemResolver, type HostResolver } from '../network/host-resolver';
import {
  DEFAULT_ALLOWED_DOMAINS,
  DEFAULT_ALLOWED_PORTS,
  MAX_URL_LENGTH,
  type TenantUrlPolicyOptions,
} from './tenant-url-policy.options';
import { parseDomainList } from './domain-list';
import { splitRawUrl } from './raw-url';

/** What a CyberArk client needs to apply the policy on every connection (see `NetworkOptions` in libs/cyberark). */
export interface TenantNetworkOptions {
  readonly lookup: GuardedLookup;
  readonly beforeRequest: (request: { readonly url: URL; readonly method: string }) => Promise<void>;
  /** A proxy would resolve names itself and bypass `lookup`. */
  readonly proxy: false;
}

/** Node's `dns.lookup` callback; on error the address is an empty list and must be ignored. */
export type LookupCallback = (error: Error | null, address: string | LookupAnswer[], family?: 4 | 6) => void;
export interface LookupAnswer {
  address: string;
  family: 4 | 6;
}
export type GuardedLookup = (hostname: string, options: object, callback: LookupCallback) => void;

const LOOPBACK_PATH_SEGMENT = /^[A-Za-z0-9._~-]+$/;
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const FORBIDDEN_CHARACTERS = /[\s\\\p{Cc}]/u;
const DEFAULT_VERDICT_TTL_MS = 30_000;
const MAX_CACHED_VERDICTS = 1_000;

/**
 * The security boundary around customer-supplied CyberArk tenant URLs. Two layers:
 * 1. `parse`/`normalize`: pure rules on the text (https only, host under an allowed domain at a
 *    label boundary, no IP literal, no userinfo, no odd port, no path/query/fragment tricks);
 * 2. resolve-then-connect: `lookup` (used for every socket) refuses names that resolve to private,
 *    loopback, link-local, unique-local, CGNAT or multicast addresses, so DNS cannot point an
 *    allowed name inside the network; `beforeRequest` repeats both checks per request to fail
 *    early with a typed error.
 * Loopback is allowed only by the explicit demo/test switch `allowInsecureLoopback`.
 */
export class TenantUrlPolicy {
  readonly allowedDomains: readonly string[];
  readonly allowedPorts: readonly number[];
  readonly allowsInsecureLoopback: boolean;
  readonly #resolver: HostResolver;
  readonly #verdictTtlMs: number;
  readonly #now: () => number;
  /** Hosts recently seen resolving to public addresses only: `beforeRequest` must not add a DNS query per call. */
  readonly #trusted = new Map<string, number>();

  constructor(options: TenantUrlPolicyOptions = {}) {
    this.allowedDomains = parseDomainList(options.allowedDomains ?? DEFAULT_ALLOWED_DOMAINS);
    this.allowedPorts = [...new Set(options.allowedPorts ?? DEFAULT_ALLOWED_PORTS)];
    const badPort = this.allowedPorts.find((port) => !Number.isInteger(port) || port < 1 || port > 65_535);
    if (badPort !== undefined) throw new ConfigurationError([`allowed port ${badPort} is not a TCP port`]);
    this.allowsInsecureLoopback = options.allowInsecureLoopback ?? false;
    this.#resolver = options.resolver ?? systemResolver;
    this.#verdictTtlMs = options.verdictTtlMs ?? DEFAULT_VERDICT_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Validates a URL as typed by a user; throws `UrlNotAllowedError` naming the rule it breaks. */
  parse(raw: string): URL {
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (text.length === 0) throw new UrlNotAllowedError('malformed', 'must be an absolute https URL');
    if (text.length > MAX_URL_LENGTH)
      throw new UrlNotAllowedError('too-long', `must be at most ${MAX_URL_LENGTH} characters`);
    if (FORBIDDEN_CHARACTERS.test(text)) {
      throw new UrlNotAllowedError(
        'malformed',
        'must not contain whitespace, control characters or backslashes',
      );
    }
    const parts = splitRawUrl(text);
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new UrlNotAllowedError('malformed', 'must be an absolute https URL');
    }
    if (parts === undefined) throw new UrlNotAllowedError('malformed', 'must start with https://');
    if (parts.authority.includes('@')) throw userinfoError();
    this.assertOrigin(url);
    if (parts.query !== undefined)
      throw new UrlNotAllowedError('query-not-allowed', 'must not have a query string');
    if (parts.fragment !== undefined)
      throw new UrlNotAllowedError('fragment-not-allowed', 'must not have a fragment');
    this.#assertPath(parts.path, this.#isAllowedLoopback(url.hostname));
    return url;
  }

  /** `parse`, then the canonical text stored and compared: `scheme://host[:port][/path]`, no trailing slash. */
  normalize(raw: string): string {
    const url = this.parse(raw);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  }

  /** The scheme, userinfo, host and port rules: what every request URL must pass, whatever its path. */
  assertOrigin(url: URL): void {
    if (url.username !== '' || url.password !== '') throw userinfoError();
    const loopback = this.#isAllowedLoopback(url.hostname);
    if (isIpLiteral(url.hostname) && !loopback) {
      throw new UrlNotAllowedError(
        'ip-literal-not-allowed',
        'must name the tenant by its host name, not an IP address',
      );
    }
    if (!loopback) this.#assertHost(url.hostname);
    if (url.protocol !== 'https:' && !(loopback && url.protocol === 'http:')) {
      throw new UrlNotAllowedError('scheme-not-allowed', 'must use https');
    }
    if (!loopback) this.#assertPort(url);
  }

  /**
   * Resolves the host and refuses it if any address is internal. A name that does not resolve passes:
   * the connection attempt then fails as an ordinary, retriable network error.
   */
  async assertResolvesSafely(url: URL): Promise<void> {
    const host = stripBrackets(url.hostname);
    if (isIpLiteral(url.hostname)) {
      this.#assertAddresses(host, [{ address: host, family: host.includes(':') ? 6 : 4 }]);
      return;
    }
    if ((this.#trusted.get(host) ?? 0) > this.#now()) return;
    let answers: readonly ResolvedAddress[];
    try {
      answers = await this.#resolver(host);
    } catch {
      return;
    }
    this.#assertAddresses(host, answers);
    this.#trust(host);
  }

  /** `dns.lookup`-compatible resolve-then-connect: the addresses checked are the addresses connected to. */
  readonly lookup: GuardedLookup = (hostname, options, callback) => {
    const { all, family } = readLookupOptions(options);
    this.#resolveChecked(hostname).then(
      (answers) => {
        const wanted =
          family === 4 || family === 6 ? answers.filter((answer) => answer.family === family) : answers;
        const first = wanted[0];
        if (first === undefined) {
          callback(
            Object.assign(new Error(`no IPv${family ?? ''} address for the tenant host`), {
              code: 'ENOTFOUND',
            }),
            [],
          );
          return;
        }
        if (all)
          callback(
            null,
            wanted.map(({ address, family: f }) => ({ address, family: f })),
          );
        else callback(null, first.address, first.family);
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error('lookup failed'), []),
    );
  };

  readonly beforeRequest = async (request: { readonly url: URL; readonly method: string }): Promise<void> => {
    this.assertOrigin(request.url);
    await this.assertResolvesSafely(request.url);
  };

  networkOptions(): TenantNetworkOptions {
    return { lookup: this.lookup, beforeRequest: this.beforeRequest, proxy: false };
  }

  async #resolveChecked(hostname: string): Promise<readonly ResolvedAddress[]> {
    const host = stripBrackets(hostname);
    const answers: readonly ResolvedAddress[] =
      isIpLiteral(hostname) || host.includes(':')
        ? [{ address: host, family: host.includes(':') ? 6 : 4 }]
        : await this.#resolver(host);
    this.#assertAddresses(host, answers);
    return answers;
  }

  #assertAddresses(host: string, answers: readonly ResolvedAddress[]): void {
    for (const answer of answers) {
      const verdict = classifyAddress(answer.address);
      if (verdict === 'public' || (verdict === 'loopback' && this.allowsInsecureLoopback)) continue;
      this.#trusted.delete(host);
      throw new UrlNotAllowedError(
        'address-not-allowed',
        `the tenant host resolves to ${verdict === 'loopback' ? 'a loopback' : 'an internal'} address, which is never contacted`,
      );
    }
  }

  #trust(host: string): void {
    if (this.#trusted.size >= MAX_CACHED_VERDICTS) this.#trusted.clear();
    this.#trusted.set(host, this.#now() + this.#verdictTtlMs);
  }

  #isAllowedLoopback(hostname: string): boolean {
    return (
      this.allowsInsecureLoopback &&
      isIpLiteral(hostname) &&
      classifyAddress(stripBrackets(hostname)) === 'loopback'
    );
  }

  #assertHost(hostname: string): void {
    const labels = hostname.split('.');
    if (hostname.endsWith('.') || !labels.every((label) => HOST_LABEL.test(label))) {
      throw new UrlNotAllowedError(
        'host-not-allowed',
        'must have a valid host name (letters, digits, hyphens; no trailing dot)',
      );
    }
    if (!this.allowedDomains.some((domain) => hostname === domain || hostname.endsWith(`.${domain}`))) {
      throw new UrlNotAllowedError(
        'host-not-allowed',
        `must be a host under ${this.allowedDomains.join(', ')} (other domains need an operator to allow them)`,
      );
    }
  }

  #assertPort(url: URL): void {
    const port = url.port === '' ? 443 : Number(url.port);
    if (!this.allowedPorts.includes(port)) {
      throw new UrlNotAllowedError('port-not-allowed', `must use port ${this.allowedPorts.join(' or ')}`);
    }
  }

  /** Cloud tenants are bare origins; the loopback simulator addresses tenants by a plain path prefix. */
  #assertPath(rawPath: string, loopback: boolean): void {
    if (rawPath === '' || rawPath === '/') return;
    if (!loopback) {
      throw new UrlNotAllowedError(
        'path-not-allowed',
        'must be the bare tenant address without a path, e.g. https://<tenant>.id.cyberark.cloud',
      );
    }
    const segments = rawPath.replace(/\/$/, '').split('/').slice(1);
    const valid = segments.every(
      (segment) => LOOPBACK_PATH_SEGMENT.test(segment) && segment !== '.' && segment !== '..',
    );
    if (!valid)
      throw new UrlNotAllowedError(
        'path-not-allowed',
        'must have a plain path without dot or encoded segments',
      );
  }
}

function userinfoError(): UrlNotAllowedError {
  return new UrlNotAllowedError('userinfo-not-allowed', 'must not contain a user name or password');
}

function readLookupOptions(options: object): { all: boolean; family: number | undefined } {
  const record = options as { all?: unknown; family?: unknown };
  const family = typeof record.family === 'number' && record.family !== 0 ? record.family : undefined;
  return { all: record.all === true, family };
}
