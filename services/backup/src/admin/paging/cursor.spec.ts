import { RequestValidationError } from '../http/admin.errors';
import { decodeCursor, encodeCursor } from './cursor';

describe('cursor', () => {
  it('round-trips a position', () => {
    expect(decodeCursor(encodeCursor('12345'), /^\d+$/)).toBe('12345');
    expect(decodeCursor(undefined, /^\d+$/)).toBeUndefined();
  });

  it.each(['', 'bm90IGEgY3Vyc29y', encodeCursor('abc'), Buffer.from('v2:1').toString('base64url')])(
    'refuses %p',
    (cursor) => {
      expect(() => decodeCursor(cursor, /^\d+$/)).toThrow(RequestValidationError);
    },
  );
});
