import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

export interface TokenRequest {
  readonly authorization: string | undefined;
  readonly form: Record<string, string>;
}

/** An OIDC issuer for unit tests: a discovery document and a token endpoint that records requests. */
export class FakeIssuer {
  readonly tokenRequests: TokenRequest[] = [];
  url = '';
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const send = (status: number, body: unknown) =>
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (request.url === '/.well-known/openid-configuration') {
        return send(200, { issuer: this.url, token_endpoint: `${this.url}/oauth2/token` });
      }
      if (request.method === 'POST' && request.url === '/oauth2/token') {
        const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
        this.tokenRequests.push({ authorization: request.headers.authorization, form });
        if (request.headers.authorization !== `Basic ${Buffer.from('alice:s3cret').toString('base64')}`) {
          return send(401, { error: 'invalid_client', error_description: 'bad client credentials' });
        }
        return send(200, { access_token: this.token, token_type: 'Bearer', expires_in: 900 });
      }
      send(404, { error: 'not_found' });
    });
  });

  private constructor(private readonly token: string) {}

  static async start(token: string): Promise<FakeIssuer> {
    const issuer = new FakeIssuer(token);
    await new Promise<void>((resolve) => issuer.server.listen(0, '127.0.0.1', resolve));
    issuer.url = `http://127.0.0.1:${(issuer.server.address() as AddressInfo).port}`;
    return issuer;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
