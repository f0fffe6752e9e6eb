import { queryValue } from '../http/request-path';
import { type StoredAccount, type TenantBehaviour } from '../state/state.types';
import { PvwaErrors } from './pvwa.errors';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

const SORT_FIELDS = {
  name: 'name',
  username: 'userName',
  address: 'address',
  platformid: 'platformId',
  safename: 'safeName',
  createdtime: 'createdTime',
} as const;
type SortField = (typeof SORT_FIELDS)[keyof typeof SORT_FIELDS];

interface SortKey {
  field: SortField;
  descending: boolean;
}

export interface AccountQuery {
  offset: number;
  limit: number;
  safeName?: string;
  modifiedSince?: number;
  keywords: string[];
  searchType: 'contains' | 'startswith';
  sort: SortKey[];
  /** The caller's own spelling of the carried parameters, echoed in `nextLink`. */
  carried: { filter?: string; search?: string; searchType?: string; sort?: string };
}

export interface AccountPage {
  value: StoredAccount[];
  count: number;
  nextLink?: string;
}

export function parseAccountQuery(query: URLSearchParams, behaviour: TenantBehaviour): AccountQuery {
  const filter = queryValue(query, 'filter');
  const search = queryValue(query, 'search');
  const searchType = queryValue(query, 'searchType');
  const sort = queryValue(query, 'sort');
  const parsed: AccountQuery = {
    offset: parseOffset(queryValue(query, 'offset')),
    limit: parseLimit(queryValue(query, 'limit'), behaviour.limitAboveMax),
    keywords: parseKeywords(search),
    searchType: parseSearchType(searchType),
    sort: parseSort(sort),
    carried: definedOnly({ filter, search, searchType, sort }),
  };
  if (filter !== undefined) Object.assign(parsed, parseFilter(filter));
  return parsed;
}

export function parseLimit(
  raw: string | undefined,
  aboveMax: TenantBehaviour['limitAboveMax'],
  defaultLimit = DEFAULT_LIMIT,
): number {
  if (raw === undefined || raw === '') return defaultLimit;
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 1)) throw PvwaErrors.invalidValue('limit', raw);
  if (value <= MAX_LIMIT) return value;
  if (aboveMax === 'clamp') return MAX_LIMIT;
  throw PvwaErrors.invalidValue('limit', raw);
}

export function parseOffset(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  if (!/^\d{1,9}$/.test(raw)) throw PvwaErrors.invalidValue('offset', raw);
  return Number(raw);
}

function parseKeywords(search: string | undefined): string[] {
  if (!search) return [];
  return search
    .split(/\s+/)
    .filter((keyword) => keyword.length > 0)
    .map((keyword) => keyword.toLowerCase());
}

function parseSearchType(raw: string | undefined): AccountQuery['searchType'] {
  if (raw === undefined || raw === '') return 'contains';
  const value = raw.toLowerCase();
  if (value === 'contains' || value === 'startswith') return value;
  throw PvwaErrors.invalidValue('searchType', raw);
}

function parseSort(raw: string | undefined): SortKey[] {
  if (raw === undefined || raw === '') return [];
  const clauses = raw.split(',').map((clause) => clause.trim());
  if (clauses.length > 3) throw PvwaErrors.invalidValue('sort', raw);
  return clauses.map((clause) => {
    const [name = '', direction = 'asc', ...rest] = clause.split(/\s+/);
    const field = SORT_FIELDS[name.toLowerCase() as keyof typeof SORT_FIELDS] as SortField | undefined;
    const order = direction.toLowerCase();
    if (!field || rest.length > 0 || (order !== 'asc' && order !== 'desc'))
      throw PvwaErrors.invalidValue('sort', raw);
    return { field, descending: order === 'desc' };
  });
}

/** Supports the documented filters: `safeName eq X` and `modificationTime gte <unix>`, joined with ` AND `. */
export function parseFilter(raw: string): Pick<AccountQuery, 'safeName' | 'modifiedSince'> {
  const result: Pick<AccountQuery, 'safeName' | 'modifiedSince'> = {};
  for (const clause of raw.split(/\s+and\s+/i)) {
    const match = /^\s*(\w+)\s+(eq|gte)\s+(.+?)\s*$/i.exec(clause);
    const [, field = '', operator = '', value = ''] = match ?? [];
    const key = `${field.toLowerCase()} ${operator.toLowerCase()}`;
    if (key === 'safename eq') result.safeName = unquote(value);
    else if (key === 'modificationtime gte' && /^\d+$/.test(value)) result.modifiedSince = Number(value);
    else throw PvwaErrors.invalidValue('filter', raw);
  }
  return result;
}

function unquote(value: string): string {
  const quoted = value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0];
  return quoted ? value.slice(1, -1) : value;
}

export interface SearchOptions {
  matchesName: boolean;
  /** The properties a caller can see (platform-defined ones only). */
  visibleProperties: (account: StoredAccount) => Record<string, string>;
}

export function matchesQuery(account: StoredAccount, query: AccountQuery, options: SearchOptions): boolean {
  if (query.safeName !== undefined && account.safeName.toLowerCase() !== query.safeName.toLowerCase())
    return false;
  if (query.modifiedSince !== undefined && modificationTime(account) < query.modifiedSince) return false;
  if (query.keywords.length === 0) return true;
  const haystack = searchableValues(account, options);
  const hit =
    query.searchType === 'startswith'
      ? (keyword: string) => haystack.some((value) => value.startsWith(keyword))
      : (keyword: string) => haystack.some((value) => value.includes(keyword));
  // Every keyword must be found somewhere, as in `search=user1 serverA` matching user and address.
  return query.keywords.every(hit);
}

function searchableValues(account: StoredAccount, options: SearchOptions): string[] {
  const values = [account.userName, account.address, ...Object.values(options.visibleProperties(account))];
  if (options.matchesName) values.push(account.name);
  return values.map((value) => value.toLowerCase());
}

function modificationTime(account: StoredAccount): number {
  return Math.max(
    account.categoryModificationTime,
    account.secretManagement.lastModifiedTime,
    account.createdTime,
  );
}

export function sortAccounts(accounts: StoredAccount[], sort: readonly SortKey[]): StoredAccount[] {
  if (sort.length === 0) return accounts;
  return accounts.sort((left, right) => {
    for (const { field, descending } of sort) {
      const order = compareValues(left[field], right[field]);
      if (order !== 0) return descending ? -order : order;
    }
    return 0;
  });
}

function compareValues(left: string | number, right: string | number): number {
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  return String(left).localeCompare(String(right), 'en', { sensitivity: 'base' });
}

export function pageOf(matches: StoredAccount[], query: AccountQuery, carryQuery: boolean): AccountPage {
  const value = matches.slice(query.offset, query.offset + query.limit);
  const nextOffset = query.offset + query.limit;
  const page: AccountPage = { value, count: matches.length };
  if (nextOffset < matches.length) page.nextLink = nextLinkFor(nextOffset, query, carryQuery);
  return page;
}

/** Relative to `/PasswordVault/`, like `api/Accounts?offset=900&limit=450` in captured answers. */
export function nextLinkFor(offset: number, query: AccountQuery, carryQuery: boolean): string {
  let link = `api/Accounts?offset=${offset}&limit=${query.limit}`;
  if (!carryQuery) return link;
  for (const [name, value] of Object.entries(query.carried)) link += `&${name}=${encodeURIComponent(value)}`;
  return link;
}

function definedOnly<T extends Record<string, string | undefined>>(record: T): { [K in keyof T]?: string } {
  const result: { [K in keyof T]?: string } = {};
  for (const key of Object.keys(record) as (keyof T)[]) {
    const value = record[key];
    if (value !== undefined && value !== '') result[key] = value;
  }
  return result;
}
