import { type KeyVaultKey } from '@azure/keyvault-keys';

/** The public half of an RSA key, base64url as in a JWK: enough to wrap data keys without a vault call. */
export interface RsaPublicJwk {
  readonly kty: 'RSA';
  readonly n: string;
  readonly e: string;
}

/** What the adapter knows about one key version. */
export interface KeyDescription {
  /** Versioned: `https://<vault>/keys/<name>/<version>`. */
  readonly kid: string;
  readonly name: string;
  readonly version: string;
  /** As Key Vault names it: `RSA`, `RSA-HSM`, `EC`, `EC-HSM`, `oct-HSM`… */
  readonly kty: string;
  /** The modulus length for RSA keys (512 bytes of `n` = 4096 bits); undefined for other key types. */
  readonly sizeBits?: number;
  readonly keyOps: readonly string[];
  readonly enabled: boolean;
  readonly notBefore?: Date;
  readonly expiresOn?: Date;
  /** Present for RSA keys. */
  readonly publicJwk?: RsaPublicJwk;
}

const RSA_TYPES: ReadonlySet<string> = new Set(['RSA', 'RSA-HSM']);

export function isRsaType(kty: string): boolean {
  return RSA_TYPES.has(kty);
}

/** Maps the SDK's key to our description; the private key never reaches us, only `n` and `e`. */
export function describeVaultKey(key: KeyVaultKey): KeyDescription {
  const jwk = key.key;
  const kty = String(jwk?.kty ?? key.keyType ?? 'unknown');
  const rsa = isRsaType(kty) && jwk?.n !== undefined && jwk.e !== undefined;
  const { properties } = key;
  return {
    kid: key.id ?? jwk?.kid ?? '',
    name: key.name,
    version: properties.version ?? '',
    kty,
    ...(rsa ? { sizeBits: bitLength(jwk.n as Uint8Array) } : {}),
    keyOps: [...(key.keyOperations ?? jwk?.keyOps ?? [])],
    enabled: properties.enabled !== false,
    ...(properties.notBefore === undefined ? {} : { notBefore: properties.notBefore }),
    ...(properties.expiresOn === undefined ? {} : { expiresOn: properties.expiresOn }),
    ...(rsa
      ? {
          publicJwk: {
            kty: 'RSA' as const,
            n: Buffer.from(jwk.n as Uint8Array).toString('base64url'),
            e: Buffer.from(jwk.e as Uint8Array).toString('base64url'),
          },
        }
      : {}),
  };
}

/** Bits of an unsigned big-endian integer, ignoring leading zero bytes (which a JWK should not have). */
export function bitLength(bytes: Uint8Array): number {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start += 1;
  if (start === bytes.length) return 0;
  const leading = bytes[start];
  return (bytes.length - start - 1) * 8 + (32 - Math.clz32(leading));
}
