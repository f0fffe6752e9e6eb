import { SimulatedHttpError } from '../http/http.errors';
import { parseCcpQuery, valueMatches } from './ccp-query';

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof SimulatedHttpError) return error.code;
    throw error;
  }
  throw new Error('expected a SimulatedHttpError');
}

describe('parseCcpQuery', () => {
  it('collects the individual parameters in a fixed order', () => {
    const parsed = parseCcpQuery(new URLSearchParams({ AppID: 'app', object: 'acc', Safe: 'S' }));
    expect(parsed.criteria).toEqual([
      { name: 'Safe', value: 'S' },
      { name: 'Object', value: 'acc' },
    ]);
    expect(parsed.description).toBe('Safe=S;Object=acc');
    expect(parsed.format).toBe('exact');
  });

  it('lets Query override the individual parameters and canonicalises known names', () => {
    const parsed = parseCcpQuery(
      new URLSearchParams({ Safe: 'ignored', Query: 'safe=S;Object=acc;LogonDomain=CORP' }),
    );
    expect(parsed.criteria).toEqual([
      { name: 'Safe', value: 'S' },
      { name: 'Object', value: 'acc' },
      { name: 'LogonDomain', value: 'CORP' },
    ]);
  });

  it('rejects an empty query, a malformed Query and a bad QueryFormat with AIMWS030E', () => {
    expect(codeOf(() => parseCcpQuery(new URLSearchParams({ AppID: 'a' })))).toBe('AIMWS030E');
    expect(codeOf(() => parseCcpQuery(new URLSearchParams({ Query: 'Safe' })))).toBe('AIMWS030E');
    expect(codeOf(() => parseCcpQuery(new URLSearchParams({ Safe: 'S', QueryFormat: 'fuzzy' })))).toBe(
      'AIMWS030E',
    );
    expect(codeOf(() => parseCcpQuery(new URLSearchParams({ Safe: '(', QueryFormat: 'Regexp' })))).toBe(
      'AIMWS030E',
    );
  });
});

describe('valueMatches', () => {
  it('compares exactly but without case, or by regular expression', () => {
    expect(valueMatches('Backup', 'backup', 'exact')).toBe(true);
    expect(valueMatches('Backup', 'back', 'exact')).toBe(false);
    expect(valueMatches('Backup', '^back', 'regexp')).toBe(true);
    expect(valueMatches(undefined, 'x', 'exact')).toBe(false);
  });
});
