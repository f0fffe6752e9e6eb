import { type KeyObject, createPrivateKey, createPublicKey, generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { AppError } from '@vault-backup/errors';

export const KEY_TYPES = ['RSA', 'RSA-HSM', 'EC', 'EC-HSM'] as const;
export const RSA_SIZES = [2048, 3072, 4096] as const;
export const EC_CURVES = ['P-256', 'P-384', 'P-521', 'P-256K'] as const;

export type KeyType = (typeof KEY_TYPES)[number];
export type RsaSize = (typeof RSA_SIZES)[number];
export type EcCurve = (typeof EC_CURVES)[number];

export type KeySpec = { kty: 'RSA' | 'RSA-HSM'; size: RsaSize } | { kty: 'EC' | 'EC-HSM'; curve: EcCurve };

export type PublicJwk = { n: string; e: string } | { crv: EcCurve; x: string; y: string };

/** A key's private half stays here; only `publicJwk` ever leaves the simulator. */
export type KeyMaterial = KeySpec & { privateKey: KeyObject; publicKey: KeyObject; publicJwk: PublicJwk };

export class UnsupportedKeyError extends AppError {
  readonly code = 'UNSUPPORTED_KEY';
  readonly retriable = false;
}

const generate = promisify(generateKeyPair);

/** Azure's curve names → OpenSSL's. */
const OPENSSL_CURVES: Record<EcCurve, string> = {
  'P-256': 'prime256v1',
  'P-384': 'secp384r1',
  'P-521': 'secp521r1',
  'P-256K': 'secp256k1',
};

export const isRsa = (spec: KeySpec): spec is Extract<KeySpec, { size: RsaSize }> =>
  spec.kty.startsWith('RSA');

/** Asynchronous: an RSA-4096 key takes long enough to block every other request otherwise. */
export async function generateKeyMaterial(spec: KeySpec): Promise<KeyMaterial> {
  const pair = isRsa(spec)
    ? await generate('rsa', { modulusLength: spec.size })
    : await generate('ec', { namedCurve: OPENSSL_CURVES[spec.curve] });
  return describe(spec, pair.privateKey);
}

/**
 * A key brought in as a PKCS#8/PKCS#1/SEC1 PEM, so a seed can give a simulator the same key on
 * every start (data wrapped in an earlier run stays unwrappable). `hsm` picks RSA-HSM / EC-HSM.
 */
export function importKeyMaterial(privateKeyPem: string, hsm: boolean): KeyMaterial {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(privateKeyPem);
  } catch {
    throw new UnsupportedKeyError('privateKeyPem is not a readable private key');
  }
  const details = privateKey.asymmetricKeyDetails ?? {};
  if (privateKey.asymmetricKeyType === 'rsa') {
    const size = details.modulusLength;
    if (!RSA_SIZES.includes(size as RsaSize))
      throw new UnsupportedKeyError(`RSA key size ${String(size)} is not 2048, 3072 or 4096`);
    return describe({ kty: hsm ? 'RSA-HSM' : 'RSA', size: size as RsaSize }, privateKey);
  }
  const curve = (Object.keys(OPENSSL_CURVES) as EcCurve[]).find(
    (name) => OPENSSL_CURVES[name] === details.namedCurve,
  );
  if (privateKey.asymmetricKeyType !== 'ec' || !curve)
    throw new UnsupportedKeyError('only RSA and EC (P-256, P-384, P-521, P-256K) keys can be imported');
  return describe({ kty: hsm ? 'EC-HSM' : 'EC', curve }, privateKey);
}

function describe(spec: KeySpec, privateKey: KeyObject): KeyMaterial {
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' });
  const publicJwk: PublicJwk = isRsa(spec)
    ? { n: String(jwk.n), e: String(jwk.e) }
    : { crv: spec.curve, x: String(jwk.x), y: String(jwk.y) };
  return { ...spec, privateKey, publicKey, publicJwk };
}
