import { FaultRules } from './fault-rules';

describe('FaultRules', () => {
  it('fires nothing without faults', () => {
    expect(new FaultRules('v').take('wrapKey')).toBeUndefined();
  });

  it('fires a counted fault exactly N times, then forgets it', () => {
    const rules = new FaultRules('v');
    rules.add({ type: 'error', status: 503, operation: 'all', count: 2 });
    expect(rules.take('getKey')?.spec.type).toBe('error');
    expect(rules.take('wrapKey')?.spec.type).toBe('error');
    expect(rules.take('getKey')).toBeUndefined();
    expect(rules.list()).toHaveLength(0);
  });

  it('keeps an uncounted fault until it is cleared, counting its hits', () => {
    const rules = new FaultRules('entra');
    const fault = rules.add({ type: 'delay', delayMs: 50, operation: 'token' });
    rules.take('token');
    rules.take('token');
    expect(rules.list()[0]).toMatchObject({ id: fault.id, hits: 2 });
    rules.clear();
    expect(rules.take('token')).toBeUndefined();
  });

  it('limits a fault to its operation', () => {
    const rules = new FaultRules('v');
    rules.add({ type: 'throttle', operation: 'unwrapKey' });
    expect(rules.take('wrapKey')).toBeUndefined();
    expect(rules.take('unwrapKey')?.spec).toEqual({ type: 'throttle', operation: 'unwrapKey' });
  });

  it('lets the first matching fault win, in the order faults were added', () => {
    const rules = new FaultRules('v');
    rules.add({ type: 'reset', operation: 'getKey', count: 1 });
    rules.add({ type: 'hang', operation: 'all', count: 1 });
    expect(rules.take('wrapKey')?.spec.type).toBe('hang');
    expect(rules.take('getKey')?.spec.type).toBe('reset');
    expect(rules.list()).toHaveLength(0);
  });

  it('removes one fault by id and prefixes ids with the target', () => {
    const rules = new FaultRules('vault-a');
    const first = rules.add({ type: 'error', status: 500, operation: 'all' });
    rules.add({ type: 'error', status: 502, operation: 'all' });
    expect(first.id).toBe('vault-a-f1');
    expect(rules.remove(first.id)).toBe(true);
    expect(rules.remove(first.id)).toBe(false);
    expect(rules.take('getKey')?.spec).toMatchObject({ status: 502 });
  });
});
