import { CyberArkInvalidRequestError, CyberArkRedirectRefusedError } from '../cyberark.errors';

export type QueryValue = string | number | boolean | undefined;

const NEXT_LINK_OPERATION = 'GET nextLink';

/**
 * Builds every URL the client calls from the two configured base URLs, so that no caller ever
 * concatenates a name into a path. Path segments are percent-encoded one by one; following the
 * CyberArk rule, a path whose last segment contains a dot gets a trailing `/` (IIS would otherwise
 * read the dot as a file extension).
 */
export class TenantUrls {
  readonly tokenUrl: string;
  /** `{privilegeCloudUrl}/PasswordVault/`: the base `nextLink` values are relative to. */
  readonly vaultBase: URL;
  readonly #apiBase: string;
  readonly #tenantRoot: URL;

  constructor(identityUrl: string, privilegeCloudUrl: string) {
    const identity = normaliseBase(identityUrl, 'identityUrl');
    this.#tenantRoot = normaliseBase(privilegeCloudUrl, 'privilegeCloudUrl');
    this.tokenUrl = `${identity.href}oauth2/platformtoken`;
    this.vaultBase = new URL('PasswordVault/', this.#tenantRoot);
    this.#apiBase = `${this.vaultBase.href}API/`;
  }

  /** `{privilegeCloudUrl}/PasswordVault/API/<segments>?<query>`. */
  api(segments: readonly string[], query: Readonly<Record<string, QueryValue>> = {}): string {
    return `${this.#apiBase}${encodePath(segments)}${encodeQuery(query)}`;
  }

  /**
   * Resolves a `nextLink` (relative to `/PasswordVault/`) and refuses one that leaves the tenant.
   * Query parameters of the first request that the link dropped (`filter`, `search`, ...) are put back,
   * because whether CyberArk carries them over is not documented.
   */
  resolveNextLink(nextLink: string, carried: Readonly<Record<string, QueryValue>> = {}): string {
    const resolved = new URL(rerootVaultPath(nextLink.trim()), this.vaultBase);
    if (!this.#isInsideTenant(resolved)) {
      throw new CyberArkRedirectRefusedError('nextLink points outside the tenant; it is not followed', {
        operation: NEXT_LINK_OPERATION,
      });
    }
    const present = new Set([...resolved.searchParams.keys()].map((key) => key.toLowerCase()));
    const missing = Object.entries(carried).filter(
      ([key, value]) => value !== undefined && !present.has(key.toLowerCase()),
    );
    const extra = encodeQuery(Object.fromEntries(missing)).slice(1);
    if (extra === '') return resolved.href;
    return `${resolved.href}${resolved.search === '' ? '?' : '&'}${extra}`;
  }

  #isInsideTenant(url: URL): boolean {
    return (
      url.origin === this.#tenantRoot.origin &&
      url.pathname.toLowerCase().startsWith(this.#tenantRoot.pathname.toLowerCase()) &&
      url.username === '' &&
      url.password === ''
    );
  }
}

/** CyberArk sends `api/Accounts?...`; a link written as `/PasswordVault/...` is read relative to the tenant too. */
function rerootVaultPath(link: string): string {
  return /^\/passwordvault\//i.test(link) ? link.replace(/^\/passwordvault\//i, '') : link;
}

export function encodePath(segments: readonly string[]): string {
  for (const segment of segments) {
    if (segment.trim() === '' || segment === '.' || segment === '..') {
      throw new CyberArkInvalidRequestError('refusing to build a URL with an empty or dot path segment');
    }
  }
  const path = segments.map(encodeURIComponent).join('/');
  const last = segments.at(-1) ?? '';
  return last.includes('.') ? `${path}/` : path;
}

/** `%20` for spaces (not `+`), so `filter=safeName eq X` reads the same on every server. */
export function encodeQuery(query: Readonly<Record<string, QueryValue>>): string {
  const pairs = Object.entries(query)
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

function normaliseBase(raw: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new CyberArkInvalidRequestError(`${name} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CyberArkInvalidRequestError(`${name} must be an http(s) URL`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new CyberArkInvalidRequestError(`${name} must not carry credentials, a query or a fragment`);
  }
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return url;
}
