import { z } from 'zod';
import { ENDPOINT_FAMILIES } from '../faults/fault.types';
import { PERMISSION_KEYS } from '../state/permissions';

/** Request bodies of the control API (`/_control`). Unknown keys are rejected to catch typos in tests. */

const name = z.string().min(1).max(512);

export const behaviourSchema = z
  .object({
    duplicateNameStatus: z.union([z.literal(409), z.literal(400)]),
    unauthorizedBody: z.enum(['error-code', 'empty']),
    searchMatchesName: z.boolean(),
    nextLinkCarriesQuery: z.boolean(),
    accountNameComparison: z.enum(['case-insensitive', 'case-sensitive']),
    limitAboveMax: z.enum(['reject', 'clamp']),
    tokenFormat: z.enum(['opaque', 'jwt']),
    tokenTtlSeconds: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3600),
    removeAbsentProperty: z.enum(['reject', 'ignore']),
  })
  .partial()
  .strict();

export const tenantSchema = z.object({ behaviour: behaviourSchema.optional() }).strict();

export const serviceAccountSchema = z
  .object({ clientSecret: z.string().min(1), isOauthConfidentialClient: z.boolean().default(true) })
  .strict();

export const revokeTokensSchema = z.object({ clientId: name.optional() }).strict();

export const platformSchema = z
  .object({
    name: name.optional(),
    active: z.boolean().default(true),
    systemType: z.string().default('Generic'),
    platformType: z.string().default('regular'),
    description: z.string().default(''),
    required: z.array(name).default([]),
    optional: z.array(name).default([]),
    details: z.record(z.string(), z.string()).default({}),
  })
  .strict();

const permissionsSchema = z.partialRecord(z.enum(PERMISSION_KEYS), z.boolean());

export const memberSchema = z
  .object({
    memberType: z.enum(['User', 'Group', 'Role']).default('User'),
    permissions: permissionsSchema.default({}),
  })
  .strict();

export const namedMemberSchema = memberSchema.extend({ memberName: name }).strict();

export const safeSchema = z
  .object({ description: z.string().default(''), members: z.array(namedMemberSchema).optional() })
  .strict();

export const ccpAppSchema = z
  .object({
    allowedSafes: z.array(name).default([]),
    clientCertificates: z
      .array(
        z
          .object({
            serialNumber: z.string().min(1).optional(),
            fingerprint256: z.string().min(1).optional(),
          })
          .strict()
          .refine((ref) => ref.serialNumber !== undefined || ref.fingerprint256 !== undefined, {
            message: 'give serialNumber or fingerprint256',
          }),
      )
      .default([]),
  })
  .strict();

/** Seeds an account as-is: only the Safe must exist; platform rules are not applied. */
export const seedAccountSchema = z
  .object({
    safeName: name,
    name: name.optional(),
    address: z.string().default(''),
    userName: z.string().default(''),
    platformId: name,
    secretType: z.enum(['password', 'key']).default('password'),
    secret: z.string().default(''),
    platformAccountProperties: z.record(z.string(), z.string()).default({}),
    automaticManagementEnabled: z.boolean().default(false),
    manualManagementReason: z.string().optional(),
  })
  .strict();

const families = z.array(z.enum(ENDPOINT_FAMILIES)).min(1).optional();
const scope = {
  families,
  methods: z
    .array(
      z
        .string()
        .min(1)
        .transform((method) => method.toUpperCase()),
    )
    .min(1)
    .optional(),
  count: z.number().int().min(1).optional(),
  rate: z.number().min(0).max(1).optional(),
};
const retryAfterSeconds = z.number().int().min(0).default(1);

export const faultSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('http-error'),
      status: z.number().int().min(500).max(599).default(503),
      body: z.enum(['json', 'html', 'empty']).default('json'),
      ...scope,
    })
    .strict(),
  z.object({ type: z.literal('rate-limit'), retryAfterSeconds, ...scope }).strict(),
  z
    .object({ type: z.literal('timeout'), answerAfterMs: z.number().int().min(0).optional(), ...scope })
    .strict(),
  z.object({ type: z.literal('token-endpoint-down'), ...scope }).strict(),
  z.object({ type: z.literal('connection-reset'), ...scope }).strict(),
  z
    .object({
      type: z.literal('throttle'),
      requestsPerSecond: z.number().int().min(0),
      retryAfterSeconds,
      ...scope,
    })
    .strict(),
  z.object({ type: z.literal('delay-after-write'), delayMs: z.number().int().min(0), ...scope }).strict(),
]);

export const latencySchema = z
  .object({
    rules: z.array(
      z
        .object({ fixedMs: z.number().int().min(0), jitterMs: z.number().int().min(0).default(0), families })
        .strict(),
    ),
  })
  .strict();

export const clientCertificateRequestSchema = z
  .object({ commonName: name.default('vault-backup-client') })
  .strict();

const seedServiceAccountSchema = z
  .object({
    clientId: name,
    /** Literal secret, or the name of an environment variable holding it (keeps secrets out of seed files). */
    clientSecret: z.string().min(1).optional(),
    clientSecretEnv: z.string().min(1).optional(),
    isOauthConfidentialClient: z.boolean().default(true),
  })
  .strict()
  .refine((account) => (account.clientSecret === undefined) !== (account.clientSecretEnv === undefined), {
    message: 'give exactly one of clientSecret or clientSecretEnv',
  });

export const seedSchema = z
  .object({
    tenants: z.array(
      z
        .object({
          id: name,
          behaviour: behaviourSchema.optional(),
          serviceAccounts: z.array(seedServiceAccountSchema).default([]),
          platforms: z.array(platformSchema.extend({ id: name }).strict()).default([]),
          safes: z.array(safeSchema.extend({ safeName: name }).strict()).default([]),
          accounts: z.array(seedAccountSchema).default([]),
          ccpApps: z.array(ccpAppSchema.extend({ appId: name }).strict()).default([]),
        })
        .strict(),
    ),
  })
  .strict();

export type BehaviourInput = z.infer<typeof behaviourSchema>;
export type PlatformInput = z.infer<typeof platformSchema>;
export type MemberInput = z.infer<typeof memberSchema>;
export type SafeInput = z.infer<typeof safeSchema>;
export type CcpAppInput = z.infer<typeof ccpAppSchema>;
export type SeedAccountInput = z.infer<typeof seedAccountSchema>;
export type SeedDocument = z.infer<typeof seedSchema>;
