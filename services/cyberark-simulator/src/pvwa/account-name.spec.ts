import { generateAccountName } from './account-name';

describe('generateAccountName', () => {
  it('joins platform, address and user name', () => {
    expect(generateAccountName('UnixSSH', '10.0.1.30', 'root', () => false)).toBe('UnixSSH-10.0.1.30-root');
  });

  it('skips empty parts', () => {
    expect(generateAccountName('Website', '', 'alice', () => false)).toBe('Website-alice');
  });

  it('appends the first free " (n)" suffix on collision', () => {
    const taken = new Set(['P-a-u', 'P-a-u (1)', 'P-a-u (2)']);
    expect(generateAccountName('P', 'a', 'u', (name) => taken.has(name))).toBe('P-a-u (3)');
  });
});
