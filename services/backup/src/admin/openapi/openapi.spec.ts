import { readFileSync } from 'node:fs';
import { buildAdminApiDocument } from '../admin.module';
import { OPENAPI_FILE } from './openapi-file';
import { sortKeys } from './openapi.document';

/** Content and key order; the layout is prettier's, checked by the format gate. */
const canonical = (document: unknown) => JSON.stringify(sortKeys(document));

describe('the committed OpenAPI document', () => {
  it('is exactly what the code generates (run `npm run openapi:generate` after changing the API)', async () => {
    const committed = readFileSync(OPENAPI_FILE, 'utf8');
    const generated = canonical(await buildAdminApiDocument());
    expect(JSON.stringify(JSON.parse(committed))).toBe(generated);
  });

  it('is deterministic', async () => {
    const [first, second] = await Promise.all([buildAdminApiDocument(), buildAdminApiDocument()]);
    expect(canonical(first)).toBe(canonical(second));
  });
});

describe('request bodies in the document', () => {
  it('refuse unknown fields like the validation pipe does (additionalProperties: false), nested objects too', async () => {
    const document = await buildAdminApiDocument();
    type Node = {
      $ref?: string;
      type?: string;
      properties?: Record<string, Node>;
      items?: Node;
      additionalProperties?: unknown;
    };
    const schemas = (document.components?.schemas ?? {}) as Record<string, Node>;
    const pending = Object.values(document.paths).flatMap((item) =>
      (['put', 'post', 'patch'] as const).flatMap((method) => {
        const body = item[method]?.requestBody;
        if (body === undefined || '$ref' in body) return [];
        return Object.values(body.content).map((media) => String((media.schema as Node).$ref));
      }),
    );
    expect(pending.length).toBeGreaterThan(3);
    const seen = new Set<string>();
    while (pending.length > 0) {
      const name = String(pending.pop()).replace('#/components/schemas/', '');
      if (seen.has(name)) continue;
      seen.add(name);
      const schema = schemas[name] ?? {};
      if (schema.type === 'object' || schema.properties !== undefined)
        expect({ name, additionalProperties: schema.additionalProperties }).toEqual({
          name,
          additionalProperties: false,
        });
      for (const property of Object.values(schema.properties ?? {}))
        for (const ref of [property.$ref, property.items?.$ref]) if (ref !== undefined) pending.push(ref);
    }
  });
});
