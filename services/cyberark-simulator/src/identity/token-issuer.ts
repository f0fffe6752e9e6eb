import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { type IssuedToken, type SimulatorState } from '../state/simulator-state';
import { type TenantState } from '../state/tenant-state';

export interface IssuedAccessToken {
  accessToken: string;
  expiresIn: number;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Issues tokens bound to a tenant and a service account, and checks them on every Privilege Cloud
 * call. Both formats are looked up in memory, so revoking works for JWTs too.
 */
export class TokenIssuer {
  // A fresh key per process: JWTs from an earlier run must not validate.
  private readonly jwtKey = randomBytes(32);

  constructor(private readonly state: SimulatorState) {}

  issue(tenant: TenantState, clientId: string, nowMs: number): IssuedAccessToken {
    const expiresIn = tenant.behaviour.tokenTtlSeconds;
    const expiresAtMs = nowMs + expiresIn * 1000;
    const accessToken =
      tenant.behaviour.tokenFormat === 'jwt'
        ? this.signJwt(tenant.id, clientId, nowMs, expiresAtMs)
        : randomBytes(32).toString('base64url');
    this.state.saveToken(accessToken, { tenantId: tenant.id, clientId, expiresAtMs });
    return { accessToken, expiresIn };
  }

  /** The token's owner when the header carries a live Bearer token of this tenant; otherwise undefined. */
  authenticate(tenantId: string, authorization: string | undefined, nowMs: number): IssuedToken | undefined {
    const token = authorization ? BEARER.exec(authorization)?.[1] : undefined;
    if (!token) return undefined;
    const issued = this.state.findLiveToken(token, nowMs);
    return issued?.tenantId === tenantId ? issued : undefined;
  }

  private signJwt(tenantId: string, clientId: string, nowMs: number, expiresAtMs: number): string {
    const header = encodeSegment({ alg: 'HS256', typ: 'JWT' });
    const payload = encodeSegment({
      iss: `cyberark-simulator/${tenantId}`,
      aud: '__idaptive_cybr_user_oidc',
      sub: clientId,
      unique_name: clientId,
      tenant_id: tenantId,
      subdomain: tenantId,
      platform_domain: 'cyberark.cloud',
      iat: Math.floor(nowMs / 1000),
      exp: Math.floor(expiresAtMs / 1000),
      jti: randomUUID(),
    });
    const signature = createHmac('sha256', this.jwtKey).update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${signature}`;
  }
}

function encodeSegment(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
