import {
  type OpenAPIObject,
  type ReferenceObject,
  type ResponseObject,
  type SchemaObject,
} from '@nestjs/swagger';
import { buildAdminApiDocument } from '../admin.module';

type Operation = { operationId?: string; responses: Record<string, ResponseObject | ReferenceObject> };

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const PROBLEM_MEMBERS = ['type', 'title', 'status', 'detail', 'instance', 'code', 'requestId'];

function operationsOf(document: OpenAPIObject): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = item[method] as Operation | undefined;
      return operation ? [[`${method.toUpperCase()} ${path}`, operation] as [string, Operation]] : [];
    }),
  );
}

function schemaOf(document: OpenAPIObject, ref: string | undefined): SchemaObject | undefined {
  const name = ref?.replace('#/components/schemas/', '');
  return name === undefined ? undefined : (document.components?.schemas?.[name] as SchemaObject | undefined);
}

/** Required members of a schema, following `allOf` (a problem with facts extends ProblemDetailsDto). */
function requiredOf(document: OpenAPIObject, schema: SchemaObject | undefined): string[] {
  if (schema === undefined) return [];
  return [
    ...(schema.required ?? []),
    ...(schema.allOf ?? []).flatMap((part) =>
      requiredOf(document, '$ref' in part ? schemaOf(document, part.$ref) : part),
    ),
  ];
}

describe('the OpenAPI document declares every error as a problem', () => {
  let document: OpenAPIObject;
  let operations: [string, Operation][];

  beforeAll(async () => {
    document = await buildAdminApiDocument();
    operations = operationsOf(document);
  });

  it('covers every admin operation', () => {
    expect(operations.length).toBeGreaterThanOrEqual(17);
    for (const [name] of operations) expect(name).toMatch(/^[A-Z]+ \/api\/v1\//);
  });

  it('declares 400, 401, 403, 500 and 503 on every operation, 404 on every workspace operation', () => {
    for (const [name, operation] of operations) {
      const statuses = Object.keys(operation.responses);
      expect([name, statuses]).toEqual([name, expect.arrayContaining(['400', '401', '403', '500', '503'])]);
      if (name.includes('{workspaceId}'))
        expect([name, statuses]).toEqual([name, expect.arrayContaining(['404'])]);
    }
  });

  it('answers every non-2xx as application/problem+json with the problem members, a description and an example', () => {
    for (const [name, operation] of operations) {
      const success = Object.entries(operation.responses).find(([status]) => status.startsWith('2'))?.[1];
      const successSchema = JSON.stringify(
        success && 'content' in success ? success.content?.['application/json']?.schema : undefined,
      );
      for (const [status, response] of Object.entries(operation.responses)) {
        if (status.startsWith('2') || '$ref' in response) continue;
        const where = `${name} ${status}`;
        const json = response.content?.['application/json'];
        // A failed check (422 with the full report) is a result, not an error: the success's own schema.
        if (status === '422' && json !== undefined && JSON.stringify(json.schema) === successSchema) continue;
        const problem = response.content?.['application/problem+json'];
        expect([where, Object.keys(response.content ?? {})]).toEqual([where, ['application/problem+json']]);
        expect([where, response.description.length > 10]).toEqual([where, true]);
        const schema = schemaOf(document, (problem?.schema as ReferenceObject | undefined)?.$ref);
        expect([where, requiredOf(document, schema)]).toEqual([
          where,
          expect.arrayContaining(PROBLEM_MEMBERS),
        ]);
        const example = problem?.example as Record<string, unknown> | undefined;
        expect([where, example?.['status'], example?.['type']]).toEqual([
          where,
          Number(status),
          expect.stringMatching(/^urn:vault-backup:problem:[a-z0-9-]+$/),
        ]);
      }
    }
  });

  it('declares X-Request-Id on every response, Retry-After on 429 and 503, WWW-Authenticate on 401', () => {
    const header = (name: string) => ({ $ref: `#/components/headers/${name}` });
    for (const [name, operation] of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if ('$ref' in response) continue;
        const headers = response.headers ?? {};
        const where = `${name} ${status}`;
        expect([where, headers['X-Request-Id']]).toEqual([where, header('X-Request-Id')]);
        if (status === '429' || status === '503')
          expect([where, headers['Retry-After']]).toEqual([where, header('Retry-After')]);
        if (status === '401')
          expect([where, headers['WWW-Authenticate']]).toEqual([where, header('WWW-Authenticate')]);
      }
    }
    expect(Object.keys(document.components?.headers ?? {}).sort()).toEqual([
      'Retry-After',
      'WWW-Authenticate',
      'X-Request-Id',
    ]);
  });

  it('declares 429 on the operations that run checks', () => {
    const checks = operations.filter(([name]) =>
      /^(PUT .*\/(connection|targets|key-integration)|POST .*\/(validate|rotate))$/.test(name),
    );
    expect(checks).toHaveLength(6);
    for (const [name, operation] of checks)
      expect([name, operation.responses['429']]).toEqual([name, expect.anything()]);
  });
});
