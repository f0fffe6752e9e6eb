import { type VaultOperation } from '../faults/fault.types';
import { type Reply } from '../http/http.types';
import { keyBundle, keyId } from './key-bundle';
import { type KeyStore, type KeyOperation, type KeyVersion } from './key-store';
import { KeyVaultErrors, type OperationName } from './key-vault.errors';
import { type CipherResult, type RsaAlgorithm, isRsaAlgorithm, rsaDecrypt, rsaEncrypt } from './rsa-cipher';

export type CryptoOperation = Exclude<VaultOperation, 'getKey'>;

export interface KeyRequest {
  keys: KeyStore;
  vaultUrl: string;
  name: string;
  /** Empty = the current version. */
  version: string;
  nowSeconds: number;
  disabledKeyAllowsPublicOps: boolean;
}

const KEY_OPERATION: Record<CryptoOperation, KeyOperation> = {
  wrapKey: 'wrapKey',
  unwrapKey: 'unwrapKey',
  encrypt: 'encrypt',
  decrypt: 'decrypt',
};

/** Operations with the public key: the ones nbf/exp restrict, and the ones a disabled key may still allow. */
const PUBLIC_OPERATIONS: ReadonlySet<CryptoOperation> = new Set(['wrapKey', 'encrypt']);

const OK = (body: unknown): Reply => ({ status: 200, body });
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** `GET /keys/{name}[/{version}]`. nbf/exp do not restrict reading a key; disabling it does. */
export function getKey(request: KeyRequest): Reply {
  const key = request.keys.find(request.name, request.version);
  if (!key) return KeyVaultErrors.keyNotFound(request.name);
  if (!key.attributes.enabled) return KeyVaultErrors.keyDisabled('get');
  return OK(keyBundle(request.vaultUrl, key));
}

/**
 * `POST /keys/{name}/{version}/{wrapkey|unwrapkey|encrypt|decrypt}` with `{alg, value}`. Checks, in
 * order: key exists (404), body (400), enabled (403 KeyDisabled), key_ops (403
 * KeyOperationForbidden), nbf/exp for the public-key operations only (403; decrypt and unwrap stay
 * allowed outside the validity period, as documented), algorithm for the key type (400), crypto (400).
 */
export function cryptoOperation(request: KeyRequest, operation: CryptoOperation, rawBody: string): Reply {
  const key = request.keys.find(request.name, request.version);
  if (!key) return KeyVaultErrors.keyNotFound(request.name);
  const parameters = parseParameters(rawBody);
  if ('error' in parameters) return KeyVaultErrors.badParameter(parameters.error);
  const refusal = refusalFor(key, operation, request);
  if (refusal) return refusal;
  if (!key.material.kty.startsWith('RSA') || !isRsaAlgorithm(parameters.alg)) {
    return KeyVaultErrors.badParameter(
      `Algorithm ${parameters.alg} is not supported for key type ${key.material.kty}.`,
    );
  }
  const result = applyCipher(key, operation, parameters.alg, parameters.value);
  if (!result.ok) return KeyVaultErrors.badParameter(result.message);
  return OK({ kid: keyId(request.vaultUrl, key), value: result.value.toString('base64url') });
}

function refusalFor(key: KeyVersion, operation: CryptoOperation, request: KeyRequest): Reply | undefined {
  const name: OperationName = operation;
  const isPublic = PUBLIC_OPERATIONS.has(operation);
  if (!key.attributes.enabled && !(isPublic && request.disabledKeyAllowsPublicOps)) {
    return KeyVaultErrors.keyDisabled(name);
  }
  if (!key.keyOps.includes(KEY_OPERATION[operation])) return KeyVaultErrors.keyOperationForbidden(name);
  if (!isPublic) return undefined;
  const { nbf, exp } = key.attributes;
  if (nbf !== undefined && request.nowSeconds < nbf) return KeyVaultErrors.keyNotYetValid(name);
  if (exp !== undefined && request.nowSeconds >= exp) return KeyVaultErrors.keyExpired(name);
  return undefined;
}

function applyCipher(
  key: KeyVersion,
  operation: CryptoOperation,
  alg: RsaAlgorithm,
  value: Buffer,
): CipherResult {
  const modulusBytes = Buffer.from((key.material.publicJwk as { n: string }).n, 'base64url').length;
  if (operation === 'wrapKey' || operation === 'encrypt') {
    return rsaEncrypt(key.material.publicKey, modulusBytes, alg, value);
  }
  return rsaDecrypt(key.material.privateKey, modulusBytes, alg, value);
}

function parseParameters(rawBody: string): { alg: string; value: Buffer } | { error: string } {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { error: 'The request body is not valid JSON.' };
  }
  if (typeof body !== 'object' || body === null) return { error: 'The request body must be a JSON object.' };
  const { alg, value } = body as { alg?: unknown; value?: unknown };
  if (typeof alg !== 'string' || alg.length === 0) return { error: "Property 'alg' is required." };
  if (typeof value !== 'string' || value.length === 0) return { error: "Property 'value' is required." };
  if (!BASE64URL.test(value)) return { error: "Property 'value' is not valid base64url." };
  return { alg, value: Buffer.from(value, 'base64url') };
}
