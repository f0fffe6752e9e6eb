import { Secret } from '@vault-backup/config';
import { sanitizeServerText } from './server-text.sanitizer';

describe('sanitizeServerText', () => {
  it('collapses whitespace and bounds the length', () => {
    const text = sanitizeServerText(`a \n\t b ${'x'.repeat(1000)}`);
    expect(text.startsWith('a b x')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(301);
  });

  it('redacts every occurrence of every secret', () => {
    const text = sanitizeServerText('s3cr3t and s3cr3t and t0ken', [
      new Secret('s3cr3t'),
      new Secret('t0ken'),
    ]);
    expect(text).toBe('[redacted] and [redacted] and [redacted]');
  });

  it('leaves very short secrets alone rather than redact ordinary words', () => {
    expect(sanitizeServerText('a b c', [new Secret('a')])).toBe('a b c');
  });
});
