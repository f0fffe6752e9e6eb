import { type ErrorObject } from 'ajv/dist/2020';

/** Where a record breaks the contract and which rule it breaks; never the offending value. */
export interface SchemaViolation {
  readonly field: string;
  readonly reason: string;
}

type SchemaFragment = Record<string, unknown>;

const FORMAT_LABELS: Readonly<Record<string, string>> = {
  'date-time': 'RFC 3339 date-time',
  uri: 'absolute URI',
  'uri-reference': 'URI-reference',
  email: 'e-mail address',
};

/**
 * Turns the first ajv error into `<pointer> <rule>`, e.g. `/data/version must be integer >= 1 and <= …`.
 * The rule is described from the schema that failed (ajv `verbose`), so every keyword of a property
 * yields the same, complete rule. `basePointer` prefixes pointers of sub-schemas validated on their own.
 */
export function describeViolation(
  errors: ErrorObject[] | null | undefined,
  basePointer = '',
): SchemaViolation {
  const error = errors?.[0];
  if (!error) return { field: basePointer, reason: `${label(basePointer)} is invalid` };
  const pointer = basePointer + error.instancePath;
  switch (error.keyword) {
    case 'required': {
      const field = `${pointer}/${escapePointerToken(String(error.params.missingProperty))}`;
      return { field, reason: `${field} is required` };
    }
    case 'false schema':
      return { field: pointer, reason: `${label(pointer)} is not allowed` };
    case 'not':
      return { field: pointer, reason: `${label(pointer)} ${notDescription(error.schema)}` };
    default:
      return {
        field: pointer,
        reason: `${label(pointer)} must be ${describeRule(asFragment(error.parentSchema))}`,
      };
  }
}

export function describeRule(schema: SchemaFragment): string {
  if ('const' in schema) return `equal to ${JSON.stringify(schema.const)}`;
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map(String).join(', ')}`;
  return [
    describeType(schema.type),
    describeLength(schema.minLength, schema.maxLength, 'characters'),
    describeRange(schema.minimum, schema.maximum),
    describeLength(schema.minItems, schema.maxItems, 'items'),
    describeLength(schema.minProperties, schema.maxProperties, 'properties'),
    typeof schema.pattern === 'string' ? `matching ${schema.pattern}` : undefined,
    typeof schema.format === 'string'
      ? `in ${FORMAT_LABELS[schema.format] ?? schema.format} format`
      : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(' ');
}

function describeType(type: unknown): string | undefined {
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.map(String).join(' or ');
  return 'valid';
}

function describeLength(min: unknown, max: unknown, unit: string): string | undefined {
  const low = typeof min === 'number' && min > 0 ? min : undefined;
  const high = typeof max === 'number' ? max : undefined;
  if (low !== undefined && high !== undefined)
    return low === high ? `of exactly ${low} ${unit}` : `of ${low}..${high} ${unit}`;
  if (high !== undefined) return `of at most ${high} ${unit}`;
  if (low !== undefined) return `of at least ${low} ${unit}`;
  return undefined;
}

function describeRange(min: unknown, max: unknown): string | undefined {
  const parts = [
    typeof min === 'number' ? `>= ${min}` : undefined,
    typeof max === 'number' ? `<= ${max}` : undefined,
  ];
  const defined = parts.filter((part) => part !== undefined);
  return defined.length > 0 ? defined.join(' and ') : undefined;
}

function notDescription(schema: unknown): string {
  const description = asFragment(schema).description;
  return typeof description === 'string' ? description : 'must not match a forbidden combination';
}

function asFragment(schema: unknown): SchemaFragment {
  return typeof schema === 'object' && schema !== null ? (schema as SchemaFragment) : {};
}

function label(pointer: string): string {
  return pointer === '' ? '(root)' : pointer;
}

function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}
