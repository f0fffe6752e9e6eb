import { queryValue } from '../http/request-path';
import { CcpErrors } from './ccp.errors';

/** The standard account attributes a CCP query can name; anything else is a platform property. */
const ATTRIBUTE_NAMES = ['Safe', 'Folder', 'Object', 'UserName', 'Address', 'Database', 'PolicyID'] as const;
export type CcpAttribute = (typeof ATTRIBUTE_NAMES)[number];

export interface CcpCriterion {
  name: string;
  value: string;
}

export interface CcpQuery {
  criteria: CcpCriterion[];
  format: 'exact' | 'regexp';
  /** `Safe=X;Object=Y`, echoed in APPAP004E / APPAP227E messages. */
  description: string;
}

/**
 * Builds the match criteria from either the `Query` parameter (which overrides the individual ones,
 * D-CCP) or the individual parameters. At least one criterion besides AppID is required.
 */
export function parseCcpQuery(query: URLSearchParams): CcpQuery {
  const format = parseFormat(queryValue(query, 'QueryFormat'));
  const freeQuery = queryValue(query, 'Query');
  const criteria = freeQuery !== undefined ? parseFreeQuery(freeQuery) : fromParameters(query);
  if (criteria.length === 0)
    throw CcpErrors.invalidQuery('at least one query parameter besides AppID is required');
  if (format === 'regexp') for (const criterion of criteria) compile(criterion.value);
  return { criteria, format, description: criteria.map(({ name, value }) => `${name}=${value}`).join(';') };
}

function parseFormat(raw: string | undefined): CcpQuery['format'] {
  if (raw === undefined || raw.toLowerCase() === 'exact') return 'exact';
  if (raw.toLowerCase() === 'regexp') return 'regexp';
  throw CcpErrors.invalidQuery(`unknown QueryFormat ${raw}`);
}

function parseFreeQuery(raw: string): CcpCriterion[] {
  return raw
    .split(';')
    .filter((part) => part.trim().length > 0)
    .map((part) => {
      const separator = part.indexOf('=');
      if (separator <= 0) throw CcpErrors.invalidQuery(`expected Name=Value, got "${part}"`);
      return {
        name: canonicalName(part.slice(0, separator).trim()),
        value: part.slice(separator + 1).trim(),
      };
    });
}

function fromParameters(query: URLSearchParams): CcpCriterion[] {
  const criteria: CcpCriterion[] = [];
  for (const name of ATTRIBUTE_NAMES) {
    const value = queryValue(query, name);
    if (value !== undefined && value !== '') criteria.push({ name, value });
  }
  return criteria;
}

function canonicalName(name: string): string {
  return ATTRIBUTE_NAMES.find((attribute) => attribute.toLowerCase() === name.toLowerCase()) ?? name;
}

export function compile(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'i');
  } catch {
    throw CcpErrors.invalidQuery(`invalid regular expression ${pattern}`);
  }
}

/** Exact matching ignores case, as Vault attribute comparisons do. */
export function valueMatches(
  actual: string | undefined,
  wanted: string,
  format: CcpQuery['format'],
): boolean {
  if (actual === undefined) return false;
  return format === 'exact' ? actual.toLowerCase() === wanted.toLowerCase() : compile(wanted).test(actual);
}
