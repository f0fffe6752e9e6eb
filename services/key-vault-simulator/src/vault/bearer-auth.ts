import { type AccessTokenService, KEY_VAULT_RESOURCE } from '../entra/access-token';
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
 * The challenge every 401 carries. The SDK takes the tenant from the authorization URL's path and
 * asks for `<resource>/.default`; it first checks that the vault host ends with `.vault.azure.net`
 * unless `disableChallengeResourceVerification` is set, which a loopback simulator needs.
 */
export function challengeHeader(authorityHost: string, tenantId: string): string {
  return `Bearer authorization="${authorityHost}/${tenantId}", resource="${KEY_VAULT_RESOURCE}"`;
}

/** Accepts only a live simulator token of the vault's tenant for `https://vault.azure.net`. */
export function authenticateBearer(
  authorization: string | undefined,
  issuer: string,
  tokens: AccessTokenService,
  nowMs: number,
): BearerCheck {
  const token = BEARER.exec(authorization ?? '')?.[1];
  if (!token) return { ok: false, reply: KeyVaultErrors.missingToken() };
  const check = tokens.check(token, { issuer, audience: KEY_VAULT_RESOURCE }, nowMs);
  if (check.valid) {
    const { appid, oid } = check.claims;
    return { ok: true, caller: { clientId: appid, objectId: oid, issuer } };
  }
  switch (check.reason) {
    case 'wrong-audience':
      return { ok: false, reply: KeyVaultErrors.invalidAudience(check.found ?? '') };
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
