import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { z } from 'zod';
import { type LocalIssuerConfig } from './local-issuer.config';

const MAX_BODY_BYTES = 4_096;
const KEY_ID = 'local-issuer-1';

const tokenRequestSchema = z
  .object({
    sub: z.string().regex(/^[\x21-\x7e]{1,256}$/),
    role: z.enum(['owner', 'super_admin', 'admin', 'member', 'operator']),
    workspace_id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)
      .optional(),
    expiresIn: z.number().int().positive().optional(),
  })
  .strict()
  .refine((request) => request.role === 'operator' || request.workspace_id !== undefined, {
    message: 'workspace_id is required unless role is operator',
  });

export interface RunningIssuer {
  readonly issuer: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The demo's token issuer: an RSA key pair generated at start and kept in memory only (a restart
 * invalidates every token), `GET /.well-known/jwks.json` and `POST /token`, on 127.0.0.1 only.
 */
export async function startLocalIssuer(config: LocalIssuerConfig): Promise<RunningIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwks = JSON.stringify({
    keys: [{ ...(await exportJWK(publicKey)), kid: KEY_ID, alg: 'RS256', use: 'sig' }],
  });
  let issuer = '';
  const server = createServer((request, response) => {
    handle(request, response).catch(() => reply(response, 500, { error: 'internal_error' }));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method === 'GET' && request.url === '/.well-known/jwks.json') {
      response
        .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' })
        .end(jwks);
      return;
    }
    if (request.method !== 'POST' || request.url !== '/token')
      return reply(response, 404, { error: 'not_found' });
    const parsed = tokenRequestSchema.safeParse(await readJson(request));
    if (!parsed.success) {
      return reply(response, 400, {
        error: 'invalid_request',
        issues: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`),
      });
    }
    const { expiresIn = 900, ...claims } = parsed.data;
    if (expiresIn > config.maxLifetimeSeconds) {
      return reply(response, 400, {
        error: 'invalid_request',
        issues: [`expiresIn: at most ${config.maxLifetimeSeconds} seconds`],
      });
    }
    const accessToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: KEY_ID, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(config.audience)
      .setIssuedAt()
      .setExpirationTime(`${expiresIn}s`)
      .sign(privateKey);
    reply(response, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn });
  }

  const port = await listen(server, config.port);
  issuer = `http://127.0.0.1:${port}`;
  return { issuer, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    .end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
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
