import { tokenClaimsSchema, type TokenClaims } from './token-claims.schema';

/** An RFC 6749 §5.2 error answer. */
export interface OAuthError {
  readonly error: 'invalid_request' | 'invalid_client' | 'unsupported_grant_type';
  readonly error_description: string;
}

export type ClientCredentialsResult =
  | { readonly ok: true; readonly claims: TokenClaims }
  | { readonly ok: false; readonly status: 400 | 401; readonly error: OAuthError };

const FORM_TYPE = 'application/x-www-form-urlencoded';

/**
 * Reads a client-credentials token request (RFC 6749 §4.4) for the demo: the client authenticates
 * with HTTP Basic or in the form, any non-empty secret is accepted (this issuer mints for anyone on
 * loopback anyway), `sub` is the client id and the wanted `role` / `workspace_id` come as extra form
 * parameters — a real issuer would take them from the client's registration instead.
 */
export function parseClientCredentials(
  contentType: string | undefined,
  authorization: string | undefined,
  body: string | undefined,
): ClientCredentialsResult {
  if (body === undefined || contentType?.split(';')[0]?.trim().toLowerCase() !== FORM_TYPE) {
    return invalid(400, 'invalid_request', `the body must be ${FORM_TYPE}, at most 4 KiB`);
  }
  const form = new URLSearchParams(body);
  if (form.get('grant_type') !== 'client_credentials') {
    return invalid(400, 'unsupported_grant_type', 'only grant_type=client_credentials is supported');
  }
  const client = clientOf(authorization, form);
  if (client === undefined) return invalid(401, 'invalid_client', 'client_id and client_secret are required');
  const workspace = form.get('workspace_id');
  const role = form.get('role');
  if (role !== null && !role.startsWith('operator') && workspace === null) {
    return invalid(
      400,
      'invalid_request',
      'workspace_id is required unless role is operator or operator_replay',
    );
  }
  const parsed = tokenClaimsSchema.strict().safeParse({
    sub: client,
    role: role ?? undefined,
    ...(workspace === null ? {} : { workspace_id: workspace }),
  });
  if (!parsed.success) {
    const description = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    return invalid(400, 'invalid_request', description.join('; '));
  }
  return { ok: true, claims: parsed.data };
}

/** The client id when credentials are present (Basic wins over the form, as RFC 6749 §2.3.1 prefers it). */
function clientOf(authorization: string | undefined, form: URLSearchParams): string | undefined {
  const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (basic !== undefined) {
    const [id = '', secret = ''] = Buffer.from(basic, 'base64').toString('utf8').split(':', 2);
    return present(safeDecode(id), safeDecode(secret));
  }
  return present(form.get('client_id') ?? '', form.get('client_secret') ?? '');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return '';
  }
}

function present(id: string, secret: string): string | undefined {
  return id !== '' && secret !== '' ? id : undefined;
}

function invalid(
  status: 400 | 401,
  error: OAuthError['error'],
  description: string,
): ClientCredentialsResult {
  return { ok: false, status, error: { error, error_description: description } };
}
