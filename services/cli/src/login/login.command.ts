import { type Command } from 'commander';
import { type CliRuntime } from '../cli/cli-runtime';
import { UsageError } from '../cli/cli.errors';
import { action, type CommandContext } from '../cli/command-context';
import { EXIT, type ExitCode } from '../cli/exit-codes';
import { loadProfile, type Profile, saveProfile } from '../profile/profile.store';
import { decodeClaims, describeClaims } from '../profile/token-claims';
import { saveToken, TOKEN_ENV } from '../profile/token.store';
import { fetchClientCredentialsToken } from './oidc-client';

export const CLIENT_SECRET_ENV = 'VAULT_BACKUP_CLIENT_SECRET';

interface LoginFlags {
  readonly token?: string;
  readonly issuer?: string;
  readonly clientId?: string;
  readonly role?: string;
  readonly workspace?: string;
  readonly apiUrl?: string;
}

export function registerLoginCommand(program: Command, context: CommandContext): void {
  program
    .command('login')
    .description('get a token (from an issuer, or given) and remember where and who you are')
    .option('--token <jwt>', 'use this token; "-" reads it from stdin (keeps it out of shell history)')
    .option('--issuer <url>', 'OpenID Connect issuer for OAuth 2.0 client credentials')
    .option('--client-id <id>', 'client id at the issuer')
    .option('--role <role>', 'role to ask the issuer for (e.g. admin, operator, operator_replay)')
    .option('-w, --workspace <id>', 'workspace to ask the issuer for, and the default of later commands')
    .option('--api-url <url>', 'admin API base URL to remember')
    .addHelpText(
      'after',
      `
The client secret comes from $${CLIENT_SECRET_ENV} or a hidden prompt, never from a flag.
The token is kept only in $XDG_RUNTIME_DIR/vault-backup/token (per-user tmpfs, mode 0600); without
XDG_RUNTIME_DIR it is not kept: pass it to each command in $${TOKEN_ENV}.`,
    )
    .action(action(context, (flags: LoginFlags) => login(context, flags)));
}

async function login(context: CommandContext, flags: LoginFlags): Promise<ExitCode> {
  const { runtime, printer } = context;
  const saved = await loadProfile(runtime);
  const { apiUrl, issuer, clientId, role, workspace } = flags;
  const profile: Profile = { ...saved, ...defined({ apiUrl, issuer, clientId, role, workspace }) };
  const token =
    flags.token !== undefined ? await givenToken(runtime, flags.token) : await issuedToken(runtime, profile);
  const claims = decodeClaims(token);
  printer.line(`logged in as ${describeClaims(claims, runtime.now())}`);
  // What the token says beats what was asked for: it is what the API will see.
  await rememberProfile(context, {
    ...profile,
    ...defined({ role: claims.role, workspace: workspace ?? claims.workspaceId }),
  });
  const tokenPath = await saveToken(runtime, token);
  printer.note(
    tokenPath === undefined
      ? `XDG_RUNTIME_DIR is not set, so the token was not kept (it is never written to disk): set ${TOKEN_ENV} for later commands`
      : `token kept in ${tokenPath} (per-user runtime dir, gone at logout); ${TOKEN_ENV} overrides it`,
  );
  return EXIT.ok;
}

/** A read-only home (the image) must not fail the login: the profile only saves typing. */
async function rememberProfile(context: CommandContext, profile: Profile): Promise<void> {
  try {
    context.printer.note(`profile saved to ${await saveProfile(context.runtime, profile)} (no secrets)`);
  } catch (error: unknown) {
    context.printer.note(
      `profile not saved (${(error as Error).message}): pass --api-url/--workspace to each command`,
    );
  }
}

async function givenToken(runtime: CliRuntime, flag: string): Promise<string> {
  const token = (flag === '-' ? await runtime.stdin.readAll() : flag).trim();
  if (token === '') throw new UsageError('--token: no token given');
  return token;
}

async function issuedToken(runtime: CliRuntime, profile: Profile): Promise<string> {
  if (profile.issuer === undefined || profile.clientId === undefined) {
    throw new UsageError('login needs --token <jwt|->, or --issuer <url> and --client-id <id>');
  }
  return fetchClientCredentialsToken(runtime, {
    issuer: profile.issuer,
    clientId: profile.clientId,
    clientSecret: await clientSecret(runtime, profile.clientId),
    extra: { role: profile.role, workspace_id: profile.workspace },
  });
}

/** From the environment or a hidden prompt: a flag value would land in shell history and `ps`. */
async function clientSecret(runtime: CliRuntime, clientId: string): Promise<string> {
  const fromEnv = runtime.env[CLIENT_SECRET_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!runtime.stdin.isTTY) {
    throw new UsageError(
      `no client secret: set ${CLIENT_SECRET_ENV} (stdin is not a terminal, so no prompt)`,
    );
  }
  const secret = await runtime.prompts.secret(`Client secret for ${clientId}:`);
  if (secret === '') throw new UsageError('no client secret given');
  return secret;
}

function defined<T extends Record<string, string | undefined>>(values: T): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<
    Record<keyof T, string>
  >;
}
