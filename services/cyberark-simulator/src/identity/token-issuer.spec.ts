import { SimulatorState } from '../state/simulator-state';
import { TokenIssuer } from './token-issuer';

function setup() {
  const state = new SimulatorState();
  const tenant = state.getOrCreateTenant('Acme');
  const other = state.getOrCreateTenant('other');
  return { state, tenant, other, issuer: new TokenIssuer(state) };
}

describe('TokenIssuer', () => {
  it('issues opaque tokens that authenticate only on their own tenant until they expire', () => {
    const { tenant, issuer } = setup();
    tenant.updateBehaviour({ tokenTtlSeconds: 60 });
    const { accessToken, expiresIn } = issuer.issue(tenant, 'svc', 1_000);
    expect(expiresIn).toBe(60);
    expect(accessToken).toMatch(/^[\w-]{40,}$/);
    expect(issuer.authenticate('acme', `Bearer ${accessToken}`, 2_000)?.clientId).toBe('svc');
    expect(issuer.authenticate('acme', `bearer ${accessToken}`, 2_000)).toBeDefined();
    expect(issuer.authenticate('other', `Bearer ${accessToken}`, 2_000)).toBeUndefined();
    expect(issuer.authenticate('acme', accessToken, 2_000)).toBeUndefined();
    expect(issuer.authenticate('acme', `Bearer ${accessToken}`, 61_000)).toBeUndefined();
  });

  it('issues JWTs carrying exp and the tenant when asked', () => {
    const { tenant, issuer } = setup();
    tenant.updateBehaviour({ tokenFormat: 'jwt', tokenTtlSeconds: 900 });
    const { accessToken } = issuer.issue(tenant, 'svc', 1_700_000_000_000);
    const [, payload = ''] = accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims).toMatchObject({
      exp: 1_700_000_900,
      iat: 1_700_000_000,
      tenant_id: 'acme',
      unique_name: 'svc',
    });
    expect(issuer.authenticate('acme', `Bearer ${accessToken}`, 1_700_000_000_001)).toBeDefined();
  });

  it('forgets revoked tokens', () => {
    const { state, tenant, issuer } = setup();
    const { accessToken } = issuer.issue(tenant, 'svc', 0);
    expect(state.revokeTokens('acme', 'SVC')).toBe(1);
    expect(issuer.authenticate('acme', `Bearer ${accessToken}`, 1)).toBeUndefined();
  });
});
