import { CliError } from '../cli/cli.errors';

/** What the CLI reads from a token to say who you are; the signature is the API's business. */
export interface TokenClaims {
  readonly sub: string | undefined;
  readonly role: string | undefined;
  readonly workspaceId: string | undefined;
  /** Epoch milliseconds. */
  readonly expiresAt: number | undefined;
}

/** Decodes (does not verify) a JWT's payload. */
export function decodeClaims(token: string): TokenClaims {
  const payload = token.split('.')[1];
  if (payload === undefined || token.split('.').length !== 3) throw notAJwt();
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw notAJwt();
  }
  return {
    sub: stringOf(claims.sub),
    role: stringOf(claims.role),
    workspaceId: stringOf(claims.workspace_id),
    expiresAt: typeof claims.exp === 'number' ? claims.exp * 1_000 : undefined,
  };
}

/** `alice (role admin, workspace ws-1), expires 2026-12-03T18:15:00.000Z (in 15 min)` */
export function describeClaims(claims: TokenClaims, nowMs: number): string {
  const scope = claims.workspaceId === undefined ? 'no workspace' : `workspace ${claims.workspaceId}`;
  return `${claims.sub ?? '(no sub)'} (role ${claims.role ?? '(none)'}, ${scope}), ${describeExpiry(claims, nowMs)}`;
}

function describeExpiry(claims: TokenClaims, nowMs: number): string {
  if (claims.expiresAt === undefined) return 'no expiry';
  const at = new Date(claims.expiresAt).toISOString();
  const minutes = Math.round((claims.expiresAt - nowMs) / 60_000);
  return minutes < 0 ? `expired at ${at}` : `expires ${at} (in ${minutes} min)`;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function notAJwt(): CliError {
  return new CliError('the token is not a JWT (three base64url parts)');
}
