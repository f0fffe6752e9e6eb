import { toPlatformDetails, toPlatformList } from './platform.mapper';

describe('platform mapper', () => {
  it('reads general and property names, skipping entries without an id', () => {
    const platforms = toPlatformList(
      {
        Platforms: [
          {
            general: {
              id: 'WinDomain',
              name: 'Windows Domain',
              active: true,
              systemType: 'Windows',
              platformType: 'regular',
            },
            properties: {
              required: [{ name: 'Address' }, { name: 'Username' }],
              optional: [{ name: 'Port', displayName: 'Port' }],
            },
          },
          { general: { name: 'no id' } },
        ],
      },
      'GET Platforms',
    );
    expect(platforms).toEqual([
      {
        id: 'WinDomain',
        name: 'Windows Domain',
        active: true,
        systemType: 'Windows',
        platformType: 'regular',
        requiredProperties: ['Address', 'Username'],
        optionalProperties: ['Port'],
      },
    ]);
  });

  it('accepts "true" as active and a missing list as empty', () => {
    expect(toPlatformList({ Platforms: [{ general: { id: 'X', active: 'True' } }] }, 'op')[0]).toMatchObject({
      active: true,
      requiredProperties: [],
    });
    expect(toPlatformList({}, 'op')).toEqual([]);
  });

  it('reads platform details in both documented shapes', () => {
    expect(
      toPlatformDetails({ PlatformID: 'X', Active: true, Details: { PasswordLength: 12 } }, 'op', 'X'),
    ).toEqual({
      platformId: 'X',
      active: true,
      details: { PasswordLength: 12 },
    });
    expect(toPlatformDetails({ Properties: { a: 1 } }, 'op', 'Y')).toEqual({
      platformId: 'Y',
      active: false,
      details: { a: 1 },
    });
  });
});
