import { type AccessTokenService } from '../entra/access-token';
import { type Reply } from '../http/http.types';
import { KeyVaultErrors } from './key-vault.errors';

/** Who called, from a valid token. */
export interface Caller {
  clientId: string;
  objectId: string;
  issuer: string;
}

export type BearerCheck = { ok: true; caller: Caller } | { ok: false; reply: Reply };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * The challenge every 401 carries; `resource` is the vault's cloud's (`https://vault.azure.net` for
 * the public cloud), whichever way the request came in. The SDK takes the tenant from the
 * authorization URL's path and asks for `<resource>/.default`; it first checks that the vault host
 * ends with `.<resource host>` unless `disableChallengeResourceVerification` is set: a request
 * through the front door passes that check, one to a loopback listener needs the switch.
 */
export function challengeHeader(authorityHost: string, tenantId: string, resource: string): string {
  return `Bearer authorization="${authorityHost}/${tenantId}", resource="${resource}"`;
}

/** What a vault accepts: a live simulator token of its tenant for its cloud's Key Vault resource. */
export interface ExpectedCaller {
  issuer: string;
  audience: string;
}

export function authenticateBearer(
  authorization: string | undefined,
  expected: ExpectedCaller,
  tokens: AccessTokenService,
  nowMs: number,
): BearerCheck {
  const { issuer, audience } = expected;
  const token = BEARER.exec(authorization ?? '')?.[1];
  if (!token) return { ok: false, reply: KeyVaultErrors.missingToken() };
  const check = tokens.check(token, { issuer, audience }, nowMs);
  if (check.valid) {
    const { appid, oid } = check.claims;
    return { ok: true, caller: { clientId: appid, objectId: oid, issuer } };
  }
  switch (check.reason) {
    case 'wrong-audience':
      return { ok: false, reply: KeyVaultErrors.invalidAudience(audience, check.found ?? '') };
    case 'wrong-issuer':
      return { ok: false, reply: KeyVaultErrors.invalidIssuer(issuer, check.found ?? '') };
    case 'unknown-signing-key':
      return { ok: false, reply: KeyVaultErrors.unknownSigningKey() };
    case 'expired':
      return { ok: false, reply: KeyVaultErrors.invalidToken('the token is expired') };
    case 'not-yet-valid':
      return { ok: false, reply: KeyVaultErrors.invalidToken('the token is not yet valid') };
    case 'bad-signature':
      return { ok: false, reply: KeyVaultErrors.invalidToken('the signature is invalid') };
    case 'malformed':
      return { ok: false, reply: KeyVaultErrors.invalidToken('the token is not a well-formed RS256 JWT') };
  }
}
