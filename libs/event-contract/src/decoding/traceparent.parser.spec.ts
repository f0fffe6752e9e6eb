import { parseTraceparent } from './traceparent.parser';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

describe('parseTraceparent', () => {
  it('returns a valid version-00 traceparent unchanged', () => {
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-01`)).toBe(`00-${TRACE_ID}-${PARENT_ID}-01`);
  });

  it('reads a future version by its version-00 prefix and normalises it to version 00', () => {
    expect(parseTraceparent(`cc-${TRACE_ID}-${PARENT_ID}-01-what-the-future-holds`)).toBe(
      `00-${TRACE_ID}-${PARENT_ID}-01`,
    );
    expect(parseTraceparent(`01-${TRACE_ID}-${PARENT_ID}-00`)).toBe(`00-${TRACE_ID}-${PARENT_ID}-00`);
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['a number', 42],
    ['an empty string', ''],
    ['version ff', `ff-${TRACE_ID}-${PARENT_ID}-01`],
    ['version 00 with a suffix', `00-${TRACE_ID}-${PARENT_ID}-01-extra`],
    ['upper-case hex', `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${PARENT_ID}-01`],
    ['an all-zero parent id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['a short trace id', `00-${TRACE_ID.slice(1)}-${PARENT_ID}-01`],
    ['a missing flags field', `00-${TRACE_ID}-${PARENT_ID}`],
    ['an over-long value', `01-${TRACE_ID}-${PARENT_ID}-01-${'x'.repeat(600)}`],
  ])('rejects %s', (_case, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });
});
