import { FaultList, faultView, MalformedPathError, nonEmpty, parseTarget, sequence } from './index';

describe('parseTarget', () => {
  it('decodes segments, keeps empty ones and splits off the query', () => {
    const target = parseTarget('/keys/k%2Fx//wrapkey?api-version=7.4');
    expect(target.segments).toEqual(['keys', 'k/x', '', 'wrapkey']);
    expect(nonEmpty(target.segments)).toEqual(['keys', 'k/x', 'wrapkey']);
    expect(target.path).toBe('/keys/k%2Fx//wrapkey');
    expect(target.query.get('api-version')).toBe('7.4');
  });

  it('refuses malformed percent-encoding', () => {
    expect(() => parseTarget('/a/%E0%A4%A')).toThrow(MalformedPathError);
  });
});

describe('FaultList', () => {
  it('numbers faults, counts hits and forgets a counted fault once spent', () => {
    const next = sequence();
    const faults = new FaultList<{ kind: string; count?: number }>(() => `f${next()}`);
    const once = faults.add({ kind: 'a', count: 1 });
    const always = faults.add({ kind: 'b' });
    expect([once.id, always.id]).toEqual(['f1', 'f2']);

    faults.record(once);
    faults.record(always);
    faults.dropSpent();
    expect(faults.list().map((fault) => fault.id)).toEqual(['f2']);
    expect(faultView(once)).toEqual({ id: 'f1', spec: { kind: 'a', count: 1 }, hits: 1, remaining: 0 });
    expect(faultView(always)).toEqual({ id: 'f2', spec: { kind: 'b' }, hits: 1 });

    expect(faults.remove('f2')).toBe(true);
    expect(faults.remove('f2')).toBe(false);
  });
});
