import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { type OpenAPIObject } from '@nestjs/swagger';
import { format, resolveConfig } from 'prettier';
import { buildAdminApiDocument } from '../admin.module';
import { OPENAPI_FILE } from './openapi-file';
import { sortKeys } from './openapi.document';

/** `npm run openapi:generate`: rewrites services/backup/openapi.json from the code (deterministic). */

/** Sorted keys, formatted exactly as `prettier --write` would leave the file, so the two never fight. */
export async function renderOpenApiDocument(document: OpenAPIObject): Promise<string> {
  const options = (await resolveConfig(OPENAPI_FILE)) ?? {};
  return format(JSON.stringify(sortKeys(document)), { ...options, parser: 'json', filepath: OPENAPI_FILE });
}

async function main(): Promise<void> {
  writeFileSync(OPENAPI_FILE, await renderOpenApiDocument(await buildAdminApiDocument()));
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
