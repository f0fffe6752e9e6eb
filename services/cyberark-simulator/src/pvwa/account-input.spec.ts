import { SimulatedHttpError } from '../http/http.errors';
import { parseNewAccount } from './account-input';

function detailOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    if (error instanceof SimulatedHttpError) return error.reply.body;
    throw error;
  }
  throw new Error('expected a SimulatedHttpError');
}

describe('parseNewAccount', () => {
  it('requires platformId and safeName', () => {
    expect(detailOf(() => parseNewAccount({ safeName: 'S' }))).toMatchObject({
      ErrorCode: 'PASWS167E',
      Details: [{ ParameterName: 'platformId' }],
    });
    expect(detailOf(() => parseNewAccount({ platformId: 'P', safeName: '  ' }))).toMatchObject({
      Details: [{ ParameterName: 'safeName' }],
    });
  });

  it('reads fields whatever their case, with defaults', () => {
    expect(
      parseNewAccount({ PlatformID: 'P', SAFENAME: 'S', Address: 'h', username: 'u', Secret: 'x' }),
    ).toEqual({
      platformId: 'P',
      safeName: 'S',
      address: 'h',
      userName: 'u',
      secret: 'x',
      secretType: 'password',
      platformAccountProperties: {},
      automaticManagementEnabled: true,
    });
  });

  it('stringifies scalar property values and rejects nested ones', () => {
    expect(
      parseNewAccount({ platformId: 'P', safeName: 'S', platformAccountProperties: { Port: 22, Flag: true } })
        .platformAccountProperties,
    ).toEqual({ Port: '22', Flag: 'true' });
    expect(() =>
      parseNewAccount({ platformId: 'P', safeName: 'S', platformAccountProperties: { Port: { n: 1 } } }),
    ).toThrow(SimulatedHttpError);
  });

  it('validates secretType and secretManagement', () => {
    expect(parseNewAccount({ platformId: 'P', safeName: 'S', secretType: 'Key' }).secretType).toBe('key');
    expect(() => parseNewAccount({ platformId: 'P', safeName: 'S', secretType: 'token' })).toThrow(
      SimulatedHttpError,
    );
    const manual = parseNewAccount({
      platformId: 'P',
      safeName: 'S',
      secretManagement: { automaticManagementEnabled: 'false', manualManagementReason: 'DR copy' },
    });
    expect(manual).toMatchObject({ automaticManagementEnabled: false, manualManagementReason: 'DR copy' });
  });

  it('rejects a body that is not an object', () => {
    expect(detailOf(() => parseNewAccount([]))).toMatchObject({ ErrorCode: 'PASWS168E' });
  });
});
