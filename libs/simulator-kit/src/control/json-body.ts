import { type z } from 'zod';

/** How a simulator refuses a control body: each answers with its own error type. */
export interface JsonBodyErrors {
  invalidJson(): Error;
  invalidRequest(zodError: z.ZodError): Error;
}

/** A control request's JSON body checked against its schema; an empty body counts as `{}`. */
export function parseJsonBody<S extends z.ZodType>(
  schema: S,
  rawBody: string,
  errors: JsonBodyErrors,
): z.output<S> {
  let json: unknown = {};
  if (rawBody.trim().length > 0) {
    try {
      json = JSON.parse(rawBody);
    } catch {
      throw errors.invalidJson();
    }
  }
  const result = schema.safeParse(json);
  if (!result.success) throw errors.invalidRequest(result.error);
  return result.data;
}
