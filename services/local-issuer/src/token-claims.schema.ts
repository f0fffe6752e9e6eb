import { z } from 'zod';

/** `operator` reads every workspace; `operator_replay` (an SRE role) may also replay in any of them. */
export const ISSUER_ROLES = [
  'owner',
  'super_admin',
  'admin',
  'member',
  'operator',
  'operator_replay',
] as const;

/** The claims the admin API reads; a workspace role needs `workspace_id`, an operator role none. */
export const tokenClaimsSchema = z.object({
  sub: z.string().regex(/^[\x21-\x7e]{1,256}$/),
  role: z.enum(ISSUER_ROLES),
  workspace_id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)
    .optional(),
});

export type TokenClaims = z.infer<typeof tokenClaimsSchema>;
