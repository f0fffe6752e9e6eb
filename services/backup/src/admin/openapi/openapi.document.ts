import { type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { type AdminConfig } from '../admin.config';
import { BEARER_SCHEME } from '../http/admin-api';
import {
  headerRef,
  REQUEST_ID_HEADER,
  RETRY_AFTER_HEADER,
  WWW_AUTHENTICATE_HEADER,
} from '../http/api-problems.decorator';

/** Stands in for the real configuration: the document depends on the code only. */
export const DOCUMENT_CONFIG: AdminConfig = {
  auth: {
    jwksUrl: 'https://issuer.invalid/jwks',
    issuer: 'https://issuer.invalid/',
    audience: 'vault-backup',
    clockToleranceSeconds: 30,
    jwksTimeoutMs: 5_000,
    maxTokenAgeSeconds: 86_400,
  },
  tenantUrls: { allowedDomains: ['cyberark.cloud'], allowedPorts: [443], allowInsecureLoopback: false },
  replay: {
    maxPerRequest: 1_000,
    jobs: { defaultRate: 50, maxRate: 1_000, maxItems: 50_000, pollIntervalMs: 1_000, leaseMs: 30_000 },
  },
  checks: { perMinute: 10, burst: 5, concurrency: 2 },
  freshnessTopWorkspaces: 20,
};

const DESCRIPTION = [
  "Set up a workspace's CyberArk vault backup in three steps (connect, validate targets, enable), run it, and replay what failed.",
  'Authentication: a bearer JWT from the configured issuer with claims `sub`, `role` (owner | super_admin | admin | member | operator)',
  'and `workspace_id`. Owners, Super Admins and Admins manage their workspace; operators read status across workspaces;',
  'a workspace that is not yours answers 404. Secrets are write-only: never returned, never logged.',
  'Errors: every error is RFC 9457 problem details (`application/problem+json`, schema ProblemDetailsDto) with `type`',
  '`urn:vault-backup:problem:<slug>` (the slug is the stable `code` in kebab case), `title`, `status`, `detail`, `instance`',
  '(the request path), `code`, `requestId` and, for 400 `validation-failed`, `problems` (field, message, reason).',
  'A failed check (422 of PUT connection/targets/key-integration and of validate) is a result, not an error: it carries the full report.',
  'Every response carries `X-Request-Id` (yours when well-formed, else a new UUID); 429 and 503 carry `Retry-After`.',
].join(' ');

/** Headers the responses refer to (`#/components/headers/<name>`), defined once. */
const HEADERS = {
  [REQUEST_ID_HEADER]: {
    description: 'The request id: the one sent in X-Request-Id when well-formed, otherwise a new UUID.',
    schema: { type: 'string', example: '0f8fad5b-d9cb-469f-a165-70867728950e' },
  },
  [RETRY_AFTER_HEADER]: {
    description: 'Seconds to wait before trying again.',
    schema: { type: 'integer', minimum: 1, example: 5 },
  },
  [WWW_AUTHENTICATE_HEADER]: {
    description:
      'The Bearer challenge (RFC 6750), with `error="invalid_token"` for a token that was refused.',
    schema: { type: 'string', example: 'Bearer realm="vault-backup", error="invalid_token"' },
  },
};

/**
 * Builds the admin API's OpenAPI document from the code alone: a preview Nest application (nothing
 * is instantiated, no database or broker is touched), scanned by @nestjs/swagger, keys sorted so the
 * committed file only changes when the API does.
 */
export async function buildOpenApiDocument(root: DynamicModule, scanned: Type): Promise<OpenAPIObject> {
  const app = await NestFactory.create(root, {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    const info = new DocumentBuilder()
      .setTitle('vault-backup admin API')
      .setDescription(DESCRIPTION)
      .setVersion('1.0.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
      .build();
    const document = SwaggerModule.createDocument(app, info, {
      include: [scanned],
      operationIdFactory: (controllerKey, methodKey) =>
        `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
    });
    return sortKeys(withClosedRequestBodies(withHeaders(document))) as OpenAPIObject;
  } finally {
    await app.close();
  }
}

/** Declares the shared headers, and X-Request-Id on every response (successes and results included). */
function withHeaders(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, headers: { ...document.components?.headers, ...HEADERS } };
  for (const item of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      for (const response of Object.values(item[method]?.responses ?? {})) {
        if (response === undefined || '$ref' in response) continue;
        response.headers = { [REQUEST_ID_HEADER]: headerRef(REQUEST_ID_HEADER), ...response.headers };
      }
    }
  }
  return document;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

type SchemaNode = Record<string, unknown>;

/**
 * The validation pipe refuses unknown body fields (`forbidNonWhitelisted`): every object schema a
 * request body reaches (through `$ref`, properties, items, allOf/oneOf/anyOf) says so with
 * `additionalProperties: false`, so generated clients and fuzzers (schemathesis) send what is accepted.
 */
function withClosedRequestBodies(document: OpenAPIObject): OpenAPIObject {
  const schemas = (document.components?.schemas ?? {}) as Record<string, SchemaNode>;
  const closed = new Set<SchemaNode>();
  const close = (node: unknown): void => {
    if (node === null || typeof node !== 'object' || closed.has(node as SchemaNode)) return;
    const schema = node as SchemaNode;
    closed.add(schema);
    const ref = schema.$ref;
    if (typeof ref === 'string') return close(schemas[ref.replace('#/components/schemas/', '')]);
    if (schema.type === 'object' || schema.properties !== undefined) {
      schema.additionalProperties ??= false;
      for (const property of Object.values((schema.properties ?? {}) as Record<string, unknown>))
        close(property);
    }
    close(schema.items);
    for (const key of ['allOf', 'oneOf', 'anyOf'] as const)
      for (const part of (schema[key] ?? []) as unknown[]) close(part);
  };
  for (const item of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const body = item[method]?.requestBody;
      if (body === undefined || '$ref' in body) continue;
      for (const media of Object.values(body.content)) close(media.schema);
    }
  }
  return document;
}

/** Object keys sorted at every level, arrays kept in order: the same API always serialises the same way. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
