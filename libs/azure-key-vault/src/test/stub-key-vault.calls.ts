import { constants, generateKeyPairSync, type KeyObject, privateDecrypt, publicEncrypt } from 'node:crypto';
import { createRestError } from '@azure-rest/core-client';
import { createPipelineRequest } from '@azure/core-rest-pipeline';
import { type KeyVaultKey } from '@azure/keyvault-keys';
import { toKeyVaultError } from '../errors/key-vault-error.mapper';
import { VaultErrorBodies } from '../errors/vault-error-body';
import { type KeyVaultError, type KeyVaultOperation } from '../key-vault.errors';
import { type TrustedKeyId } from '../key-id/key-id';
import { type KeyVaultCalls } from '../key/key-vault-key.adapter';
import { KeyVaultUrlPolicy } from '../vault-url/key-vault-url.policy';

export const STUB_VERSION = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

type CallName = 'getToken' | 'getKey' | 'wrapKey' | 'unwrapKey';

export interface StubKey {
  kty: string;
  enabled: boolean;
  notBefore?: Date;
  expiresOn?: Date;
  keyOps: string[];
}

const keyPairs = new Map<number, { privateKey: KeyObject; publicKey: KeyObject }>();

/** RSA key pairs are slow to make (4096 bits: about a second); one per size per test file. */
export function rsaKeyPair(bits: number): { privateKey: KeyObject; publicKey: KeyObject } {
  let pair = keyPairs.get(bits);
  if (pair === undefined) {
    pair = generateKeyPairSync('rsa', { modulusLength: bits });
    keyPairs.set(bits, pair);
  }
  return pair;
}

/**
 * `KeyVaultCalls` in memory, for adapter and validation specs: one key whose attributes a test sets,
 * failures scripted per call as the real mapper would produce them, and a log of calls.
 */
export class StubKeyVaultCalls implements KeyVaultCalls {
  readonly vault = new KeyVaultUrlPolicy().resolve('acme');
  readonly keyName = 'backup';
  readonly calls: string[] = [];
  readonly key: StubKey = { kty: 'RSA', enabled: true, keyOps: ['wrapKey', 'unwrapKey'] };
  readonly failures = new Map<CallName, KeyVaultError[]>();
  closed = false;
  /** Replaces what unwrap returns (to provoke a round-trip mismatch). */
  tamperUnwrap?: (plain: Buffer) => Buffer;

  constructor(private readonly bits = 4096) {}

  get kid(): string {
    return `${this.vault.url}/keys/${this.keyName}/${STUB_VERSION}`;
  }

  /** The next call of that name fails with this error (queue). */
  failNext(call: CallName, error: KeyVaultError): void {
    this.failures.set(call, [...(this.failures.get(call) ?? []), error]);
  }

  getToken(): Promise<unknown> {
    return this.#call('getToken', () => ({ token: 't', expiresOnTimestamp: Date.now() + 60_000 }));
  }

  getKey(version?: string): Promise<KeyVaultKey> {
    return this.#call(`getKey${version === undefined ? '' : `(${version})`}`, () => this.#bundle(), 'getKey');
  }

  wrapKey(keyId: TrustedKeyId, key: Uint8Array): Promise<Uint8Array> {
    return this.#call(`wrapKey(${keyId.version})`, () => encrypt(this.#pair().publicKey, key), 'wrapKey');
  }

  unwrapKey(keyId: TrustedKeyId, wrapped: Uint8Array): Promise<Uint8Array> {
    return this.#call(
      `unwrapKey(${keyId.version})`,
      () => {
        const plain = privateDecrypt(
          { key: this.#pair().privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
          wrapped,
        );
        return this.tamperUnwrap === undefined ? plain : this.tamperUnwrap(plain);
      },
      'unwrapKey',
    );
  }

  close(): void {
    this.closed = true;
  }

  #call<T>(label: string, run: () => T, name: CallName = label as CallName): Promise<T> {
    this.calls.push(label);
    const failure = this.failures.get(name)?.shift();
    return failure === undefined ? Promise.resolve(run()) : Promise.reject(failure);
  }

  #pair(): { privateKey: KeyObject; publicKey: KeyObject } {
    return rsaKeyPair(this.bits);
  }

  #bundle(): KeyVaultKey {
    const rsa = this.key.kty.startsWith('RSA');
    const jwk = this.#pair().publicKey.export({ format: 'jwk' }) as { n: string; e: string };
    return {
      id: this.kid,
      name: this.keyName,
      keyType: this.key.kty,
      keyOperations: this.key.keyOps,
      key: {
        kid: this.kid,
        kty: this.key.kty,
        keyOps: this.key.keyOps,
        ...(rsa ? { n: Buffer.from(jwk.n, 'base64url'), e: Buffer.from(jwk.e, 'base64url') } : {}),
      },
      properties: {
        id: this.kid,
        name: this.keyName,
        vaultUrl: this.vault.url,
        version: STUB_VERSION,
        enabled: this.key.enabled,
        ...(this.key.notBefore === undefined ? {} : { notBefore: this.key.notBefore }),
        ...(this.key.expiresOn === undefined ? {} : { expiresOn: this.key.expiresOn }),
      },
    };
  }
}

function encrypt(publicKey: KeyObject, bytes: Uint8Array): Buffer {
  return publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    bytes,
  );
}

/** The `KeyVaultError` the real mapper makes of a Key Vault error answer (body recorded, as the pipeline does). */
export function vaultFailure(
  operation: KeyVaultOperation,
  status: number,
  error: { code: string; message: string; innererror?: { code: string } },
  headers: Record<string, string> = {},
): KeyVaultError {
  const bodies = new VaultErrorBodies();
  const request = createPipelineRequest({ url: 'https://acme.vault.azure.net/keys/backup', method: 'GET' });
  bodies.record(request, JSON.stringify({ error }));
  const restError = createRestError({ status: String(status), body: { error }, headers, request });
  return toKeyVaultError(restError, { operation, errorBodies: bodies });
}

export const FAILURES = {
  forbiddenByRbac: (operation: KeyVaultOperation) =>
    vaultFailure(operation, 403, {
      code: 'Forbidden',
      message: 'Caller is not authorized to perform action on resource.',
      innererror: { code: 'ForbiddenByRbac' },
    }),
  keyDisabled: (operation: KeyVaultOperation) =>
    vaultFailure(operation, 403, {
      code: 'Forbidden',
      message: 'Operation get is not allowed on a disabled key.',
      innererror: { code: 'KeyDisabled' },
    }),
  keyOperationForbidden: () =>
    vaultFailure('unwrap-key', 403, {
      code: 'Forbidden',
      message: 'Operation unwrapKey is not permitted on this key.',
      innererror: { code: 'KeyOperationForbidden' },
    }),
  bareBadRequest: () => vaultFailure('unwrap-key', 400, { code: 'BadParameter', message: 'Bad request.' }),
  oaep: () =>
    vaultFailure('unwrap-key', 400, {
      code: 'BadParameter',
      message: 'Error occurred while decoding OAEP padding.',
    }),
  serverError: (operation: KeyVaultOperation) =>
    vaultFailure(operation, 503, { code: 'ServiceUnavailable', message: 'The service is unavailable.' }),
};
