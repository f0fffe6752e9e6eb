import { RequestLog } from './request-log';

const entry = (tenant: string | null, status = 200) => ({
  method: 'GET',
  path: '/x',
  tenant,
  family: 'accounts' as const,
  status,
  durationMs: 1,
});

describe('RequestLog', () => {
  it('reads entries after a cursor and returns the next cursor', () => {
    const log = new RequestLog();
    log.append(entry('a'));
    log.append(entry('b'));
    const first = log.read();
    expect(first.entries.map((e) => e.seq)).toEqual([1, 2]);
    log.append(entry('a', 201));
    const next = log.read(first.cursor);
    expect(next.entries.map((e) => e.status)).toEqual([201]);
    expect(log.read(next.cursor)).toEqual({ entries: [], cursor: next.cursor });
  });

  it('filters by tenant and pages with a limit', () => {
    const log = new RequestLog();
    for (let index = 0; index < 5; index++) log.append(entry(index % 2 === 0 ? 'a' : 'b'));
    expect(log.read(0, 'A').entries.map((e) => e.seq)).toEqual([1, 3, 5]);
    const page = log.read(0, undefined, 2);
    expect(page.entries).toHaveLength(2);
    expect(log.read(page.cursor).entries.map((e) => e.seq)).toEqual([3, 4, 5]);
  });

  it('keeps sequence numbers monotonic across clear and trims to its capacity', () => {
    const log = new RequestLog(10);
    for (let index = 0; index < 25; index++) log.append(entry('a'));
    const all = log.read();
    expect(all.entries.length).toBeLessThanOrEqual(11);
    expect(all.entries.at(-1)?.seq).toBe(25);
    log.clear();
    log.append(entry('a'));
    expect(log.read(25).entries.map((e) => e.seq)).toEqual([26]);
  });
});
