import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { z } from 'zod';
import { type LocalIssuerConfig } from './local-issuer.config';
import { parseClientCredentials } from './client-credentials.request';
import { type TokenClaims, tokenClaimsSchema } from './token-claims.schema';

const MAX_BODY_BYTES = 4_096;
const KEY_ID = 'local-issuer-1';
const DEFAULT_LIFETIME_SECONDS = 900;
/** The OAuth 2.0 token endpoint (client credentials); `/token` stays the demo's JSON shortcut. */
const OAUTH_TOKEN_PATH = '/oauth2/token';

const tokenRequestSchema = tokenClaimsSchema
  .extend({ expiresIn: z.number().int().positive().optional() })
  .strict()
  .refine((request) => request.role.startsWith('operator') || request.workspace_id !== undefined, {
    message: 'workspace_id is required unless role is operator or operator_replay',
  });

export interface RunningIssuer {
  readonly issuer: string;
  readonly port: number;
  close(): Promise<void>;
}

type Mint = (claims: TokenClaims, expiresIn: number) => Promise<string>;

/**
 * The demo's token issuer: an RSA key pair generated at start and kept in memory only (a restart
 * invalidates every token), on 127.0.0.1 only. `GET /.well-known/jwks.json`, an OIDC discovery
 * document, `POST /token` (JSON) and `POST /oauth2/token` (OAuth 2.0 client credentials).
 */
export async function startLocalIssuer(config: LocalIssuerConfig): Promise<RunningIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwks = JSON.stringify({
    keys: [{ ...(await exportJWK(publicKey)), kid: KEY_ID, alg: 'RS256', use: 'sig' }],
  });
  let issuer = '';
  const mint: Mint = (claims, expiresIn) =>
    new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: KEY_ID, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(config.audience)
      .setIssuedAt()
      .setExpirationTime(`${expiresIn}s`)
      .sign(privateKey);
  const server = createServer((request, response) => {
    handle(request, response).catch(() => reply(response, 500, { error: 'internal_error' }));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const route = `${request.method ?? ''} ${request.url ?? ''}`;
    switch (route) {
      case 'GET /.well-known/jwks.json':
        response
          .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' })
          .end(jwks);
        return;
      case 'GET /.well-known/openid-configuration':
        return reply(response, 200, discoveryDocument(issuer));
      case 'POST /token':
        return mintFromJson(request, response);
      case `POST ${OAUTH_TOKEN_PATH}`:
        return mintFromClientCredentials(request, response);
      default:
        return reply(response, 404, { error: 'not_found' });
    }
  }

  async function mintFromJson(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const parsed = tokenRequestSchema.safeParse(parseJson(await readBody(request)));
    if (!parsed.success) {
      return reply(response, 400, {
        error: 'invalid_request',
        issues: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`),
      });
    }
    const { expiresIn = DEFAULT_LIFETIME_SECONDS, ...claims } = parsed.data;
    await answerToken(response, claims, expiresIn);
  }

  async function mintFromClientCredentials(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const parsed = parseClientCredentials(
      request.headers['content-type'],
      request.headers.authorization,
      await readBody(request),
    );
    if (!parsed.ok) return reply(response, parsed.status, parsed.error);
    await answerToken(response, parsed.claims, DEFAULT_LIFETIME_SECONDS);
  }

  async function answerToken(
    response: ServerResponse,
    claims: TokenClaims,
    expiresIn: number,
  ): Promise<void> {
    if (expiresIn > config.maxLifetimeSeconds) {
      return reply(response, 400, {
        error: 'invalid_request',
        issues: [`expiresIn: at most ${config.maxLifetimeSeconds} seconds`],
      });
    }
    const accessToken = await mint(claims, expiresIn);
    reply(response, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn });
  }

  const port = await listen(server, config.port);
  issuer = `http://127.0.0.1:${port}`;
  return { issuer, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The subset of OpenID Connect Discovery 1.0 a client-credentials client needs. */
function discoveryDocument(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    token_endpoint: `${issuer}${OAUTH_TOKEN_PATH}`,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    id_token_signing_alg_values_supported: ['RS256'],
  };
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    .end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}
