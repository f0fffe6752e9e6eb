import { type z } from 'zod';
import { parseJsonBody } from '@vault-backup/simulator-kit';
import { KEY_VAULT_ROLES, type KeyVaultRole } from '../rbac/key-vault-roles';
import { ControlErrors } from './control.errors';

/** Reading control requests: JSON bodies against the zod schemas, path parameters, log queries. */

export interface ControlContext {
  query: URLSearchParams;
  rawBody: string;
}

export function parse<S extends z.ZodType>(schema: S, context: ControlContext): z.output<S> {
  return parseJsonBody(schema, context.rawBody, ControlErrors);
}

/** A path parameter checked with the same rule as a body field, so `/tenants/<junk>` is a clear 400. */
export function param<S extends z.ZodType<string>>(
  schema: S,
  value: string | undefined,
  name: string,
): string {
  const result = schema.safeParse(value);
  if (!result.success)
    throw ControlErrors.badInput(`${name}: ${result.error.issues[0]?.message ?? 'invalid'}`);
  return result.data;
}

export function roleParam(value: string | undefined): KeyVaultRole {
  const role = KEY_VAULT_ROLES.find((candidate) => candidate.toLowerCase() === value?.toLowerCase());
  if (!role) throw ControlErrors.badInput(`role must be one of: ${KEY_VAULT_ROLES.join(', ')}`);
  return role;
}

/** `?since=&target=&limit=`; unparseable numbers fall back to the defaults. */
export function logQuery(query: URLSearchParams): { since?: number; target?: string; limit?: number } {
  const number = (name: string): number | undefined => {
    const value = Number(query.get(name) ?? Number.NaN);
    return Number.isFinite(value) ? value : undefined;
  };
  const since = number('since');
  const limit = number('limit');
  const target = query.get('target') ?? undefined;
  return {
    ...(since !== undefined ? { since } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(target !== undefined ? { target } : {}),
  };
}
