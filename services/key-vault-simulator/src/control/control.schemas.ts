import { z } from 'zod';
import { AZURE_CLOUD_NAMES, VAULT_NAME_PATTERN } from '../clouds/azure-clouds';
import { ENTRA_OPERATIONS, VAULT_OPERATIONS } from '../faults/fault.types';
import { KEY_VAULT_ROLES } from '../rbac/key-vault-roles';
import { THROTTLE_LIMIT_NAMES } from '../throttle/throttle-limits';
import { EC_CURVES, KEY_TYPES, RSA_SIZES } from '../vault/key-material';
import { KEY_OPERATIONS } from '../vault/key-store';

/** Request bodies of the control API. Unknown keys are rejected, to catch typos in tests. */

export const tenantIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,127}$/, 'letters, digits, dots and hyphens (a GUID or a domain name)');
export const clientIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
    'letters, digits, dots, underscores and hyphens (usually a GUID)',
  );
/** Azure's vault name rule: 3-24 characters, letters, digits and hyphens, starting with a letter. */
export const vaultNameSchema = z
  .string()
  .regex(
    VAULT_NAME_PATTERN,
    '3-24 letters, digits and hyphens, starting with a letter, not ending with a hyphen',
  );
export const keyNameSchema = z.string().regex(/^[0-9A-Za-z-]{1,127}$/, '1-127 letters, digits and hyphens');

/** Unix seconds (as Key Vault's attributes) or an ISO-8601 date-time; `null` clears on update. */
const instantSchema = z.union([
  z.number().int().nonnegative(),
  z.iso.datetime({ offset: true }).transform((value) => Math.floor(Date.parse(value) / 1000)),
]);

export const appSchema = z.object({ clientSecret: z.string().min(1) }).strict();

export const throttleSchema = z
  .object({
    enabled: z.boolean().optional(),
    windowMs: z.number().int().min(1).max(3_600_000).optional(),
    limits: z.partialRecord(z.enum(THROTTLE_LIMIT_NAMES), z.number().int().min(1).max(1_000_000)).optional(),
  })
  .strict();

export const vaultSchema = z
  .object({
    name: vaultNameSchema,
    tenantId: tenantIdSchema,
    /** The host suffix (`vault.azure.net`, `vault.azure.cn`, `vault.usgovcloudapi.net`) and token audience */
    cloud: z.enum(AZURE_CLOUD_NAMES).default('public'),
    /** The vault's own loopback listener; 0 (default) picks a free port. */
    port: z.number().int().min(0).max(65_535).default(0),
    throttle: throttleSchema.optional(),
  })
  .strict();

export const keySchema = z
  .object({
    name: keyNameSchema,
    kty: z.enum(KEY_TYPES).default('RSA'),
    size: z.literal(RSA_SIZES).optional(),
    curve: z.enum(EC_CURVES).optional(),
    /** Defaults to what Key Vault gives: all six RSA operations, or sign/verify for EC. */
    keyOps: z.array(z.enum(KEY_OPERATIONS)).optional(),
    enabled: z.boolean().default(true),
    nbf: instantSchema.optional(),
    exp: instantSchema.optional(),
    /** Import instead of generating (PKCS#8, PKCS#1 or SEC1 PEM); kty then only chooses software or HSM. */
    privateKeyPem: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((key, context) => {
    const rsa = key.kty.startsWith('RSA');
    if (rsa && key.curve !== undefined)
      context.addIssue({ code: 'custom', path: ['curve'], message: 'curve is for EC keys' });
    if (!rsa && key.size !== undefined)
      context.addIssue({ code: 'custom', path: ['size'], message: 'size is for RSA keys' });
    if (key.privateKeyPem !== undefined && (key.size !== undefined || key.curve !== undefined)) {
      context.addIssue({
        code: 'custom',
        path: ['privateKeyPem'],
        message: 'an imported key brings its own size or curve',
      });
    }
  });

export const keyUpdateSchema = z
  .object({
    enabled: z.boolean().optional(),
    nbf: instantSchema.nullable().optional(),
    exp: instantSchema.nullable().optional(),
    keyOps: z.array(z.enum(KEY_OPERATIONS)).optional(),
  })
  .strict();

export const roleAssignmentSchema = z
  .object({ clientId: clientIdSchema, role: z.enum(KEY_VAULT_ROLES) })
  .strict();

function faultSchemaFor<O extends readonly [string, ...string[]]>(operations: O) {
  const base = {
    operation: z.enum([...operations, 'all']).default('all'),
    count: z.number().int().min(1).optional(),
  };
  return z.discriminatedUnion('type', [
    z
      .object({ type: z.literal('throttle'), retryAfterSeconds: z.number().int().min(0).optional(), ...base })
      .strict(),
    z
      .object({ type: z.literal('error'), status: z.number().int().min(500).max(599).default(503), ...base })
      .strict(),
    z.object({ type: z.literal('hang'), ...base }).strict(),
    z.object({ type: z.literal('reset'), ...base }).strict(),
    z.object({ type: z.literal('delay'), delayMs: z.number().int().min(0).max(600_000), ...base }).strict(),
  ]);
}

export const entraFaultSchema = faultSchemaFor(ENTRA_OPERATIONS);
export const vaultFaultSchema = faultSchemaFor(VAULT_OPERATIONS);

export const switchesSchema = z
  .object({
    disabledKeyAllowsPublicOps: z.boolean(),
    requireApiVersion: z.boolean(),
    throttleRetryAfter: z.boolean(),
    tokenLifetimeSeconds: z.number().int().min(60).max(86_400),
  })
  .partial()
  .strict();

export const clockSchema = z.object({ advanceMs: z.number().int().min(0) }).strict();

const seedAppSchema = z
  .object({
    clientId: clientIdSchema,
    /** Literal secret, or the name of an environment variable holding it (keeps secrets out of seed files). */
    clientSecret: z.string().min(1).optional(),
    clientSecretEnv: z.string().min(1).optional(),
  })
  .strict()
  .refine((app) => (app.clientSecret === undefined) !== (app.clientSecretEnv === undefined), {
    message: 'give exactly one of clientSecret or clientSecretEnv',
  });

export const seedSchema = z
  .object({
    switches: switchesSchema.optional(),
    tenants: z
      .array(z.object({ tenantId: tenantIdSchema, apps: z.array(seedAppSchema).default([]) }).strict())
      .default([]),
    vaults: z
      .array(
        vaultSchema
          .extend({
            keys: z.array(keySchema).default([]),
            roleAssignments: z.array(roleAssignmentSchema).default([]),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export type VaultInput = z.infer<typeof vaultSchema>;
export type KeyInput = z.infer<typeof keySchema>;
export type KeyUpdateInput = z.infer<typeof keyUpdateSchema>;
export type ThrottleInput = z.infer<typeof throttleSchema>;
export type SeedDocument = z.infer<typeof seedSchema>;
