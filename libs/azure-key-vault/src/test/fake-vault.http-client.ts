import { constants, generateKeyPairSync, type KeyObject, privateDecrypt, publicEncrypt } from 'node:crypto';
import {
  createHttpHeaders,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import { type AccessToken, type TokenCredential } from '@azure/identity';

/**
 * An in-memory Key Vault behind the SDK's `HttpClient` seam: the real `KeyClient` and
 * `CryptographyClient` pipelines run (challenge, policies, error deserialisation) without a socket.
 * Only what the SDK-behaviour specs need: one RSA key, challenge auth, get/wrap/unwrap, scripted answers.
 */
export interface FakeKeyState {
  enabled: boolean;
  nbf?: number;
  exp?: number;
  keyOps: string[];
  kty: 'RSA' | 'RSA-HSM' | 'EC';
}

export type ScriptedAnswer = (request: PipelineRequest) => PipelineResponse | undefined;

/** What a request looked like when it was sent (the SDK reuses and mutates one request object). */
export interface SentRequest {
  readonly method: string;
  readonly path: string;
  readonly authorized: boolean;
  readonly agent: unknown;
  readonly timeout: number;
}

export const VERSION = '0123456789abcdef0123456789abcdef';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

export class FakeVaultHttpClient implements HttpClient {
  readonly sent: SentRequest[] = [];
  readonly key: FakeKeyState = { enabled: true, keyOps: ['wrapKey', 'unwrapKey'], kty: 'RSA' };
  readonly #privateKey: KeyObject;
  readonly #publicJwk: { n: string; e: string };
  #script: ScriptedAnswer[] = [];

  constructor(
    readonly vaultUrl = 'https://acme.vault.azure.net',
    readonly keyName = 'backup',
    private readonly challengeResource = 'https://vault.azure.net',
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.#privateKey = privateKey;
    const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
    this.#publicJwk = { n: jwk.n, e: jwk.e };
  }

  get kid(): string {
    return `${this.vaultUrl}/keys/${this.keyName}/${VERSION}`;
  }

  /** `METHOD path` of every authorised request, in order. */
  operations(): string[] {
    return this.sent.filter((sent) => sent.authorized).map((sent) => `${sent.method} ${sent.path}`);
  }

  /** Answers the next matching requests from the script before the vault logic runs (one use each). */
  script(...answers: ScriptedAnswer[]): void {
    this.#script.push(...answers);
  }

  wrapLocally(bytes: Uint8Array): Uint8Array {
    return publicEncrypt(
      { key: this.#privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      bytes,
    );
  }

  sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    this.sent.push({
      method: request.method,
      path: new URL(request.url).pathname,
      authorized: request.headers.has('authorization'),
      agent: request.agent,
      timeout: request.timeout,
    });
    if (!request.headers.has('authorization')) {
      return Promise.resolve(
        reply(
          request,
          401,
          { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } },
          {
            'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${TENANT}", resource="${this.challengeResource}"`,
          },
        ),
      );
    }
    for (const [index, answer] of this.#script.entries()) {
      const scripted = answer(request);
      if (scripted !== undefined) {
        this.#script.splice(index, 1);
        return Promise.resolve(scripted);
      }
    }
    return Promise.resolve(this.#vault(request));
  }

  #vault(request: PipelineRequest): PipelineResponse {
    const path = new URL(request.url).pathname;
    const match = /^\/keys\/([^/]+)(?:\/([^/]*))?(?:\/(wrapkey|unwrapkey))?$/.exec(path);
    if (match === null || match[1] !== this.keyName || (match[2] || VERSION) !== VERSION) {
      return reply(request, 404, {
        error: { code: 'KeyNotFound', message: 'A key with (name/id) x was not found in this key vault.' },
      });
    }
    if (request.method === 'GET') return reply(request, 200, this.#bundle());
    const body = JSON.parse(request.body as string) as { alg: string; value: string };
    if (!this.key.enabled) {
      return reply(request, 403, {
        error: {
          code: 'Forbidden',
          message: 'Operation unwrapKey is not allowed on a disabled key.',
          innererror: { code: 'KeyDisabled' },
        },
      });
    }
    const value = Buffer.from(body.value, 'base64url');
    if (match[3] === 'wrapkey') {
      const wrapped = publicEncrypt(
        { key: this.#privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        value,
      );
      return reply(request, 200, { kid: this.kid, value: wrapped.toString('base64url') });
    }
    try {
      const plain = privateDecrypt(
        { key: this.#privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        value,
      );
      return reply(request, 200, { kid: this.kid, value: plain.toString('base64url') });
    } catch {
      return reply(request, 400, {
        error: { code: 'BadParameter', message: 'Error occurred while decoding OAEP padding.' },
      });
    }
  }

  #bundle(): object {
    return {
      key: { kid: this.kid, kty: this.key.kty, key_ops: this.key.keyOps, ...this.#publicJwk },
      attributes: {
        enabled: this.key.enabled,
        ...(this.key.nbf === undefined ? {} : { nbf: this.key.nbf }),
        ...(this.key.exp === undefined ? {} : { exp: this.key.exp }),
        created: 1_700_000_000,
        updated: 1_700_000_000,
        recoveryLevel: 'Recoverable+Purgeable',
      },
    };
  }
}

export function reply(
  request: PipelineRequest,
  status: number,
  body: object,
  headers: Record<string, string> = {},
): PipelineResponse {
  return {
    request,
    status,
    headers: createHttpHeaders({ 'content-type': 'application/json; charset=utf-8', ...headers }),
    bodyAsText: JSON.stringify(body),
  };
}

/** A credential that always has a token; counts how often it was asked. */
export class StaticCredential implements TokenCredential {
  calls = 0;

  getToken(): Promise<AccessToken> {
    this.calls += 1;
    return Promise.resolve({ token: 'fake-access-token', expiresOnTimestamp: Date.now() + 3_600_000 });
  }
}
