import { type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { type AdminConfig } from '../admin.config';
import { BEARER_SCHEME } from '../http/admin-api';

/** Stands in for the real configuration: the document depends on the code only. */
export const DOCUMENT_CONFIG: AdminConfig = {
  auth: {
    jwksUrl: 'https://issuer.invalid/jwks',
    issuer: 'https://issuer.invalid/',
    audience: 'vault-backup',
    clockToleranceSeconds: 30,
    jwksTimeoutMs: 5_000,
  },
  tenantUrls: { allowedDomains: ['cyberark.cloud'], allowedPorts: [443], allowInsecureLoopback: false },
  replay: { maxPerRequest: 1_000 },
};

const DESCRIPTION = [
  "Set up a workspace's CyberArk vault backup in three steps (connect, validate targets, enable), run it, and replay what failed.",
  'Authentication: a bearer JWT from the configured issuer with claims `sub`, `role` (owner | super_admin | admin | member | operator)',
  'and `workspace_id`. Owners, Super Admins and Admins manage their workspace; operators read status across workspaces;',
  'a workspace that is not yours answers 404. Secrets are write-only: never returned, never logged.',
].join(' ');

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
    return sortKeys(document) as OpenAPIObject;
  } finally {
    await app.close();
  }
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
