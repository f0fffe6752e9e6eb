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
