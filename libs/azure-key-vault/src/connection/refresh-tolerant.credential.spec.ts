import { type AccessToken, type TokenCredential } from '@azure/identity';
import { RefreshTolerantCredential } from './refresh-tolerant.credential';

const SCOPE = 'https://vault.azure.net/.default';

function scripted(...answers: (AccessToken | Error)[]): TokenCredential {
  return {
    getToken: () => {
      const next = answers.shift();
      if (next === undefined) throw new Error('no more answers');
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
  };
}

describe('RefreshTolerantCredential', () => {
  let now = 1_000_000;
  const clock = () => now;
  const token = (expiresInMs: number, value = 't'): AccessToken => ({
    token: value,
    expiresOnTimestamp: now + expiresInMs,
  });

  it('passes tokens through', async () => {
    const credential = new RefreshTolerantCredential(scripted(token(60_000, 'a'), token(60_000, 'b')), clock);
    expect((await credential.getToken(SCOPE))?.token).toBe('a');
    expect((await credential.getToken(SCOPE))?.token).toBe('b');
  });

  it('answers a failed refresh with the last token while it is still valid', async () => {
    const first = token(60_000, 'a');
    const credential = new RefreshTolerantCredential(scripted(first, new Error('503')), clock);
    await credential.getToken(SCOPE);
    now += 59_000;
    await expect(credential.getToken(SCOPE)).resolves.toBe(first);
  });

  it('lets the failure through once the last token has expired', async () => {
    const credential = new RefreshTolerantCredential(scripted(token(60_000), new Error('503')), clock);
    await credential.getToken(SCOPE);
    now += 60_000;
    await expect(credential.getToken(SCOPE)).rejects.toThrow('503');
  });

  it('never answers a claims challenge, another scope or another tenant with an old token', async () => {
    const credential = new RefreshTolerantCredential(
      scripted(token(60_000), new Error('claims'), new Error('scope'), new Error('tenant')),
      clock,
    );
    await credential.getToken(SCOPE);
    await expect(credential.getToken(SCOPE, { claims: '{"access_token":{}}' })).rejects.toThrow('claims');
    await expect(credential.getToken('https://vault.azure.cn/.default')).rejects.toThrow('scope');
    await expect(credential.getToken(SCOPE, { tenantId: 'other' })).rejects.toThrow('tenant');
  });
});
