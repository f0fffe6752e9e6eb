import { SimulatedHttpError } from '../http/http.errors';
import { type StoredPlatform } from '../state/state.types';
import { assertMandatoryPresent, assertPropertiesDefined, visibleProperties } from './platform-properties';

const platform: StoredPlatform = {
  id: 'SunOneDirectorySSL',
  name: 'Sun One',
  active: true,
  systemType: 'Directory',
  platformType: 'regular',
  description: '',
  required: ['Address', 'Username', 'UserDN'],
  optional: ['Port'],
  details: {},
};

function replyOf(action: () => void): unknown {
  try {
    action();
  } catch (error) {
    if (error instanceof SimulatedHttpError) return error.reply;
    throw error;
  }
  return 'ok';
}

describe('platform properties', () => {
  it('rejects a property the platform does not define, naming it', () => {
    expect(replyOf(() => assertPropertiesDefined(platform, { Port: '1', ExtraPass3Name: 'x' }))).toEqual({
      status: 400,
      body: {
        Details: [
          {
            ParameterName: 'platformAccountProperties.ExtraPass3Name',
            ErrorCode: 'PASWS167E',
            ErrorMessage: 'Property [ExtraPass3Name] is not defined for platform [SunOneDirectorySSL].',
          },
        ],
        ErrorCode: 'PASWS167E',
        ErrorMessage: 'There are some invalid parameters',
      },
    });
  });

  it('compares property names case-sensitively', () => {
    expect(replyOf(() => assertPropertiesDefined(platform, { port: '1' }))).not.toBe('ok');
  });

  it('reads required Address/Username from the top-level fields and others from the properties', () => {
    const complete = { address: 'h', userName: 'u', platformAccountProperties: { UserDN: 'cn=u' } };
    expect(replyOf(() => assertMandatoryPresent(platform, complete))).toBe('ok');
    expect(
      replyOf(() => assertMandatoryPresent(platform, { ...complete, platformAccountProperties: {} })),
    ).toEqual({
      status: 400,
      body: {
        ErrorCode: 'CAWS00001E',
        ErrorMessage:
          'Cannot add account; reason: Missing mandatory parameter in Platform SunOneDirectorySSL. (parameter: UserDN)',
      },
    });
    expect(replyOf(() => assertMandatoryPresent(platform, { ...complete, address: '  ' }))).not.toBe('ok');
  });

  it('shows only properties the platform defines', () => {
    expect(visibleProperties(platform, { Port: '22', Undefined: 'x' })).toEqual({ Port: '22' });
    expect(visibleProperties(undefined, { Port: '22' })).toEqual({});
  });
});
