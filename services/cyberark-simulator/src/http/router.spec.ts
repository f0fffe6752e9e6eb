import { Router } from './router';
import { MalformedPathError, parseTarget, queryValue } from './request-path';

describe('Router', () => {
  const router = new Router<string>()
    .add('GET', '/Accounts', 'accounts', () => ({ status: 200 }))
    .add('GET', '/Accounts/:id', 'accounts', () => ({ status: 200 }))
    .add('POST', '/Accounts/:id/Password/Update', 'accounts', () => ({ status: 200 }));

  it('matches literal segments case-insensitively and keeps parameters as given', () => {
    const match = router.match('POST', ['accounts', '12_3', 'PASSWORD', 'update']);
    expect(match.kind).toBe('found');
    if (match.kind === 'found') expect(match.params).toEqual(['12_3']);
  });

  it('tells a wrong method from an unknown path', () => {
    expect(router.match('DELETE', ['Accounts'])).toEqual({ kind: 'method-not-allowed' });
    expect(router.match('GET', ['Nope'])).toEqual({ kind: 'not-found' });
  });
});

describe('parseTarget', () => {
  it('drops empty segments (trailing or doubled slashes) and decodes each segment', () => {
    expect(parseTarget('/a//Safes/My%20Safe%2FX/?search=x%20y').segments).toEqual([
      'a',
      'Safes',
      'My Safe/X',
    ]);
    expect(parseTarget('/a/b/').path).toBe('/a/b/');
  });

  it('parses the query and looks parameters up case-insensitively', () => {
    const { query } = parseTarget('/p?Search=Win&active=true');
    expect(queryValue(query, 'search')).toBe('Win');
    expect(queryValue(query, 'Active')).toBe('true');
    expect(queryValue(query, 'missing')).toBeUndefined();
  });

  it('rejects malformed percent-encoding', () => {
    expect(() => parseTarget('/a/%E0%A4%A')).toThrow(MalformedPathError);
  });
});
