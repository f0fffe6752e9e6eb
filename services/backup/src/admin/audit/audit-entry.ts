import { type AuditAction } from '@vault-backup/persistence';
import { type Actor } from '../http/request-context';

/**
 * What the audit log records. `details` carries names, classes and outcomes only (e.g.
 * `{ changedFields: ['clientSecret'] }`), never a secret value: callers build it from fixed
 * vocabularies, and `assertNoSecretValues` guards the store.
 */
export interface AuditEntryInput {
  readonly workspaceId: string;
  readonly actor: Actor;
  readonly action: AuditAction;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface AuditEntry {
  readonly id: string;
  readonly workspaceId: string;
  readonly actorSub: string;
  readonly actorRole: string;
  readonly action: AuditAction;
  readonly details: Readonly<Record<string, unknown>>;
  readonly requestId: string | null;
  readonly occurredAt: Date;
}

const SECRET_KEYS =
  /^(client_?secret|secret|secrets|password|token|access_?token|credentials?|.*ciphertext)$/i;

/** Defence in depth: a details object must not carry a value under a secret-sounding key. */
export function assertNoSecretValues(details: Readonly<Record<string, unknown>>): void {
  for (const [key, value] of Object.entries(details)) {
    if (SECRET_KEYS.test(key)) throw new Error(`audit details must not carry a value under "${key}"`);
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      assertNoSecretValues(value as Record<string, unknown>);
  }
}
