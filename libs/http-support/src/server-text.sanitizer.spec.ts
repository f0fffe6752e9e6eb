import { Secret } from '@vault-backup/config';
import { BASE64_BLOB_PATTERN, BEARER_TOKEN_PATTERN, sanitizeServerText } from './server-text.sanitizer';

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

  it('leaves tokens and blobs alone unless asked to redact them', () => {
    const jwt = 'eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl';
    expect(sanitizeServerText(`got ${jwt}`)).toBe(`got ${jwt}`);
  });

  describe('with the token and blob patterns', () => {
    const redact = [BEARER_TOKEN_PATTERN, BASE64_BLOB_PATTERN];

    it('redacts JWTs, with or without Bearer', () => {
      const jwt = 'eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl';
      expect(sanitizeServerText(`token ${jwt} or Bearer ${jwt} seen`, [], { redact })).toBe(
        'token [redacted] or [redacted] seen',
      );
    });

    it('redacts long base64 runs (key material) but not ordinary words', () => {
      const blob = `${'A'.repeat(70)}==`;
      expect(sanitizeServerText(`modulus ${blob} is wrong`, [], { redact })).toBe(
        'modulus [redacted] is wrong',
      );
      expect(sanitizeServerText('Operation unwrapKey is not permitted', [], { redact })).toBe(
        'Operation unwrapKey is not permitted',
      );
    });

    it('redacts secrets first, then the patterns, then bounds the length', () => {
      const text = sanitizeServerText(
        `pw=s3cr3t ${'B'.repeat(64)} ${'x '.repeat(400)}`,
        [new Secret('s3cr3t')],
        {
          redact,
        },
      );
      expect(text.startsWith('pw=[redacted] [redacted] x x')).toBe(true);
      expect(text.endsWith('…')).toBe(true);
      expect(text.length).toBe(301);
    });

    it('applies the same (global) pattern object repeatedly', () => {
      const jwt = 'eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl';
      expect(sanitizeServerText(jwt, [], { redact })).toBe('[redacted]');
      expect(sanitizeServerText(jwt, [], { redact })).toBe('[redacted]');
    });
  });
});
