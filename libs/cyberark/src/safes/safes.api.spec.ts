import {
  CyberArkAccountNotFoundError,
  CyberArkInvalidRequestError,
  CyberArkPermissionError,
  CyberArkSafeNotFoundError,
} from '../cyberark.errors';
import { isMissingMember } from './safes.api';

const operation = 'GET Safes/{safe}/Members/{member}';

describe('isMissingMember: only CyberArk’s "not a member" answer reads as a missing membership', () => {
  it('is true for 404 SFWS0015, at the top level or in Details', () => {
    expect(
      isMissingMember(
        new CyberArkAccountNotFoundError('x', { operation, status: 404, cyberArkCode: 'SFWS0015' }),
      ),
    ).toBe(true);
    expect(
      isMissingMember(
        new CyberArkAccountNotFoundError('x', { operation, status: 404, detailCodes: ['sfws0015'] }),
      ),
    ).toBe(true);
  });

  it.each([
    [
      'an unknown Safe (SFWS0007)',
      new CyberArkSafeNotFoundError('x', { operation, status: 404, cyberArkCode: 'SFWS0007' }),
    ],
    [
      'a 404 without a code (an older PVWA without the route, a proxy)',
      new CyberArkInvalidRequestError('x', { operation, status: 404 }),
    ],
    [
      'another code',
      new CyberArkAccountNotFoundError('x', { operation, status: 404, cyberArkCode: 'PASWS999E' }),
    ],
    ['a 403', new CyberArkPermissionError('x', { operation, status: 403, cyberArkCode: 'SFWS0015' })],
    ['not a CyberArk error', new Error('boom')],
  ])('is false for %s', (_name, error) => {
    expect(isMissingMember(error)).toBe(false);
  });
});
