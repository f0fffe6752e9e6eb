import { classifyAddress, isIpLiteral } from './address-guard';

describe('classifyAddress', () => {
  it.each([
    ['52.1.2.3', 'public'],
    ['2600:1f18::1', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.0.0.1', 'internal'],
    ['172.16.5.4', 'internal'],
    ['192.168.0.1', 'internal'],
    ['169.254.169.254', 'internal'],
    ['100.64.1.1', 'internal'],
    ['0.0.0.0', 'internal'],
    ['224.0.0.1', 'internal'],
    ['255.255.255.255', 'internal'],
    ['198.18.0.1', 'internal'],
    ['fe80::1', 'internal'],
    ['fc00::1', 'internal'],
    ['fd12:3456::1', 'internal'],
    ['ff02::1', 'internal'],
    ['::', 'internal'],
    ['::ffff:10.0.0.1', 'internal'],
    ['64:ff9b::a00:1', 'internal'],
    ['2002:a00:1::', 'internal'],
    ['not an address', 'internal'],
  ])('%s is %s', (address, verdict) => {
    expect(classifyAddress(address)).toBe(verdict);
  });
});

describe('isIpLiteral', () => {
  it.each([
    ['127.0.0.1', true],
    ['[::1]', true],
    ['abc.id.cyberark.cloud', false],
    ['1.2.3', false],
  ])('%s → %s', (host, literal) => {
    expect(isIpLiteral(host)).toBe(literal);
  });
});
