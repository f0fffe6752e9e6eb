import { isUtf8 } from 'node:buffer';
import { type FlattenedJwe, type JweProtectedHeader } from '../contract/account-event.types';
import { accountEventValidators } from './account-event.schemas';
import { describeViolation, type SchemaViolation } from './schema-violation';

export type JweValidation =
  | { readonly ok: true; readonly jwe: FlattenedJwe; readonly header: JweProtectedHeader }
  | ({ readonly ok: false } & SchemaViolation);

/**
 * Checks a flattened JWE against the contract: member shapes and sizes, then the decoded protected
 * header (alg RSA-OAEP-256, enc A256GCM, versioned Key Vault kid, no zip, no crit), then that the
 * unprotected header repeats no protected parameter (RFC 7516 §7.2.1). It does not decrypt.
 */
export function validateFlattenedJwe(value: unknown, basePointer = ''): JweValidation {
  const { encryptedSecrets } = accountEventValidators();
  if (!encryptedSecrets(value))
    return { ok: false, ...describeViolation(encryptedSecrets.errors, basePointer) };
  return validateJweHeaders(value, basePointer);
}

/** The header part of {@link validateFlattenedJwe}, for a JWE whose members were already schema-checked. */
export function validateJweHeaders(jwe: FlattenedJwe, basePointer = ''): JweValidation {
  const field = `${basePointer}/protected`;
  const header = decodeProtectedHeader(jwe.protected);
  if (header === undefined) {
    return { ok: false, field, reason: `${field} must be base64url-encoded UTF-8 JSON` };
  }
  const { jweProtectedHeader } = accountEventValidators();
  if (!jweProtectedHeader(header)) {
    const inner = describeViolation(jweProtectedHeader.errors);
    return { ok: false, field, reason: `${field} header ${inner.reason}` };
  }
  const repeated = Object.keys(jwe.header ?? {}).some((name) => Object.hasOwn(header, name));
  if (repeated) {
    const headerField = `${basePointer}/header`;
    return {
      ok: false,
      field: headerField,
      reason: `${headerField} must not repeat a protected header parameter`,
    };
  }
  return { ok: true, jwe, header: header as JweProtectedHeader };
}

function decodeProtectedHeader(encoded: string): unknown {
  const bytes = Buffer.from(encoded, 'base64url');
  if (!isUtf8(bytes)) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}
