import { AdminApiClient } from '../api/admin-api.client';
import { type CliRuntime } from '../cli/cli-runtime';
import { CliError, UsageError } from '../cli/cli.errors';
import { loadProfile } from './profile.store';
import { decodeClaims, type TokenClaims } from './token-claims';
import { loadToken, TOKEN_ENV } from './token.store';

export const DEFAULT_API_URL = 'http://127.0.0.1:8080';
export const API_URL_ENV = 'VAULT_BACKUP_API_URL';

export interface ConnectionOptions {
  readonly apiUrl?: string;
  readonly workspace?: string;
}

/** A logged-in caller: the API client, who the token says we are, the workspace commands act on. */
export interface Session {
  readonly api: AdminApiClient;
  readonly apiUrl: string;
  readonly claims: TokenClaims;
  /** Undefined for an operator without `--workspace`: commands use the cross-workspace routes. */
  readonly workspace: string | undefined;
}

/** `--api-url`, then VAULT_BACKUP_API_URL, then the saved profile, then the local default. */
export async function resolveApiUrl(runtime: CliRuntime, flag: string | undefined): Promise<string> {
  return flag ?? runtime.env[API_URL_ENV] ?? (await loadProfile(runtime)).apiUrl ?? DEFAULT_API_URL;
}

export async function openSession(runtime: CliRuntime, options: ConnectionOptions): Promise<Session> {
  const token = await loadToken(runtime);
  if (token === undefined) {
    throw new CliError(`not logged in: run \`vault-backup login\` or set ${TOKEN_ENV}`);
  }
  const claims = decodeClaims(token);
  if (claims.expiresAt !== undefined && claims.expiresAt <= runtime.now()) {
    throw new CliError(
      `the token expired at ${new Date(claims.expiresAt).toISOString()}: run \`vault-backup login\` again`,
    );
  }
  const apiUrl = await resolveApiUrl(runtime, options.apiUrl);
  const profile = await loadProfile(runtime);
  return {
    api: new AdminApiClient({ baseUrl: apiUrl, token, runtime }),
    apiUrl,
    claims,
    // The token's own workspace beats the profile's: the API answers only for it anyway.
    workspace: options.workspace ?? claims.workspaceId ?? profile.workspace,
  };
}

export function requireWorkspace(session: Session, command: string): string {
  if (session.workspace !== undefined) return session.workspace;
  throw new UsageError(`${command} needs a workspace: pass --workspace <id>`);
}
