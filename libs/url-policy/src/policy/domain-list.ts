import { ConfigurationError } from '@vault-backup/errors';
import { isIpLiteral } from '../network/address-guard';

const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Validates the operator's allowed domains: lower-cased, punycoded, deduplicated. An entry is a
 * DNS name (never an IP address, a wildcard or a URL); it matches itself and its subdomains.
 */
export function parseDomainList(domains: readonly string[]): readonly string[] {
  const problems: string[] = [];
  const parsed = domains.map((entry) => {
    const domain = toAsciiDomain(entry.trim().replace(/^\.+/, ''));
    if (domain === undefined) problems.push(`allowed domain "${entry}" is not a DNS name`);
    return domain;
  });
  if (domains.length === 0) problems.push('at least one allowed domain is required');
  if (problems.length > 0) throw new ConfigurationError(problems);
  return [...new Set(parsed as string[])];
}

function toAsciiDomain(entry: string): string | undefined {
  if (entry === '' || /[/:@*?#\s]/.test(entry) || entry.endsWith('.')) return undefined;
  let hostname: string;
  try {
    hostname = new URL(`https://${entry}`).hostname;
  } catch {
    return undefined;
  }
  if (isIpLiteral(hostname)) return undefined;
  return hostname.split('.').every((label) => HOST_LABEL.test(label)) ? hostname : undefined;
}
