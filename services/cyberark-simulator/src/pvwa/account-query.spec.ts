import { SimulatedHttpError } from '../http/http.errors';
import { DEFAULT_BEHAVIOUR, type StoredAccount } from '../state/state.types';
import {
  matchesQuery,
  nextLinkFor,
  pageOf,
  parseAccountQuery,
  parseFilter,
  parseLimit,
  parseOffset,
  sortAccounts,
} from './account-query';

function account(overrides: Partial<StoredAccount> = {}): StoredAccount {
  return {
    id: '2_1',
    name: 'WinDomain-host1-admin',
    address: 'host1.example.com',
    userName: 'admin',
    platformId: 'WinDomain',
    safeName: 'Backup',
    secretType: 'password',
    secret: 'never-searched',
    platformAccountProperties: { LogonDomain: 'CORP' },
    secretManagement: { automaticManagementEnabled: true, status: 'success', lastModifiedTime: 100 },
    createdTime: 100,
    categoryModificationTime: 100,
    ...overrides,
  };
}

function errorBody(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    if (error instanceof SimulatedHttpError) return { status: error.reply.status, body: error.reply.body };
    throw error;
  }
  throw new Error('expected a SimulatedHttpError');
}

const options = { matchesName: false, visibleProperties: (a: StoredAccount) => a.platformAccountProperties };

describe('parseLimit', () => {
  it('defaults to 50 and accepts 1..1000', () => {
    expect(parseLimit(undefined, 'reject')).toBe(50);
    expect(parseLimit('1', 'reject')).toBe(1);
    expect(parseLimit('1000', 'reject')).toBe(1000);
  });

  it('treats an empty limit as absent', () => {
    expect(parseLimit('', 'reject')).toBe(50);
  });

  it.each(['0', '-1', 'abc', '100)', '1.5'])(
    'rejects %p with PASWS167E naming the limit parameter',
    (raw) => {
      expect(errorBody(() => parseLimit(raw, 'reject'))).toEqual({
        status: 400,
        body: {
          Details: [
            {
              ParameterName: 'limit',
              ErrorCode: 'PASWS167E',
              ErrorMessage: `The value '${raw}' is not valid for limit.`,
            },
          ],
          ErrorCode: 'PASWS167E',
          ErrorMessage: 'There are some invalid parameters',
        },
      });
    },
  );

  it('rejects or clamps above 1000 depending on the tenant switch', () => {
    expect(() => parseLimit('1001', 'reject')).toThrow(SimulatedHttpError);
    expect(parseLimit('1001', 'clamp')).toBe(1000);
  });
});

describe('parseOffset', () => {
  it('defaults to 0 and rejects non-integers', () => {
    expect(parseOffset(undefined)).toBe(0);
    expect(parseOffset('1500')).toBe(1500);
    expect(() => parseOffset('-5')).toThrow(SimulatedHttpError);
  });
});

describe('parseFilter', () => {
  it('reads safeName eq, with spaces and quotes, case-insensitively', () => {
    expect(parseFilter('safeName eq My Safe')).toEqual({ safeName: 'My Safe' });
    expect(parseFilter('SAFENAME EQ "Quoted Safe"')).toEqual({ safeName: 'Quoted Safe' });
  });

  it('combines clauses with AND', () => {
    expect(parseFilter('safeName eq A AND modificationTime gte 1700000000')).toEqual({
      safeName: 'A',
      modifiedSince: 1700000000,
    });
  });

  it('rejects unknown filters with ParameterName filter', () => {
    expect(errorBody(() => parseFilter('platformId eq X'))).toMatchObject({
      status: 400,
      body: { ErrorCode: 'PASWS167E', Details: [{ ParameterName: 'filter' }] },
    });
  });
});

describe('matchesQuery', () => {
  const query = (search: string, extra: Record<string, string> = {}) =>
    parseAccountQuery(new URLSearchParams({ search, ...extra }), DEFAULT_BEHAVIOUR);

  it('matches every keyword, each anywhere in userName, address or platform properties', () => {
    expect(matchesQuery(account(), query('admin host1'), options)).toBe(true);
    expect(matchesQuery(account(), query('ADMIN corp'), options)).toBe(true);
    expect(matchesQuery(account(), query('admin nothere'), options)).toBe(false);
  });

  it('does not search the name or the secret unless the tenant switch says so', () => {
    expect(matchesQuery(account(), query('WinDomain-host1-admin'), options)).toBe(false);
    expect(matchesQuery(account(), query('never-searched'), options)).toBe(false);
    expect(matchesQuery(account(), query('WinDomain-host1-admin'), { ...options, matchesName: true })).toBe(
      true,
    );
  });

  it('supports searchType startswith', () => {
    expect(matchesQuery(account(), query('host1', { searchType: 'startswith' }), options)).toBe(true);
    expect(matchesQuery(account(), query('example', { searchType: 'startswith' }), options)).toBe(false);
    expect(() => query('x', { searchType: 'fuzzy' })).toThrow(SimulatedHttpError);
  });

  it('applies the safe filter case-insensitively and the modification time filter', () => {
    const bySafe = parseAccountQuery(
      new URLSearchParams({ filter: 'safeName eq backup' }),
      DEFAULT_BEHAVIOUR,
    );
    expect(matchesQuery(account(), bySafe, options)).toBe(true);
    expect(matchesQuery(account({ safeName: 'Other' }), bySafe, options)).toBe(false);
    const recent = parseAccountQuery(
      new URLSearchParams({ filter: 'modificationTime gte 150' }),
      DEFAULT_BEHAVIOUR,
    );
    expect(matchesQuery(account(), recent, options)).toBe(false);
    expect(matchesQuery(account({ categoryModificationTime: 200 }), recent, options)).toBe(true);
  });
});

describe('paging', () => {
  const accounts = Array.from({ length: 5 }, (_, index) => account({ id: `2_${index + 1}` }));

  it('returns the page, the total count and a relative nextLink until the last page', () => {
    const query = parseAccountQuery(
      new URLSearchParams({ limit: '2', offset: '2', filter: 'safeName eq Backup', search: 'a b' }),
      DEFAULT_BEHAVIOUR,
    );
    const page = pageOf(accounts, query, true);
    expect(page.value.map((a) => a.id)).toEqual(['2_3', '2_4']);
    expect(page.count).toBe(5);
    expect(page.nextLink).toBe('api/Accounts?offset=4&limit=2&filter=safeName%20eq%20Backup&search=a%20b');
    const last = pageOf(accounts, { ...query, offset: 4 }, true);
    expect(last.value).toHaveLength(1);
    expect(last.nextLink).toBeUndefined();
  });

  it('drops filter and search from nextLink when the tenant switch says they are not carried', () => {
    const query = parseAccountQuery(
      new URLSearchParams({ limit: '2', filter: 'safeName eq Backup' }),
      DEFAULT_BEHAVIOUR,
    );
    expect(nextLinkFor(2, query, false)).toBe('api/Accounts?offset=2&limit=2');
  });

  it('sorts on up to three fields and rejects more or unknown ones', () => {
    const unsorted = [
      account({ id: 'b', name: 'b' }),
      account({ id: 'a', name: 'A' }),
      account({ id: 'c', name: 'c' }),
    ];
    const query = parseAccountQuery(new URLSearchParams({ sort: 'name desc' }), DEFAULT_BEHAVIOUR);
    expect(sortAccounts(unsorted, query.sort).map((a) => a.id)).toEqual(['c', 'b', 'a']);
    expect(() => parseAccountQuery(new URLSearchParams({ sort: 'secret asc' }), DEFAULT_BEHAVIOUR)).toThrow(
      SimulatedHttpError,
    );
    expect(() =>
      parseAccountQuery(new URLSearchParams({ sort: 'name,address,userName,safeName' }), DEFAULT_BEHAVIOUR),
    ).toThrow(SimulatedHttpError);
  });
});
