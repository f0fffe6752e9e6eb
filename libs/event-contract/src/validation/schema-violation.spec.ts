import { describeRule, describeViolation } from './schema-violation';

describe('describeRule', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['an integer range', { type: 'integer', minimum: 1, maximum: 10 }, 'integer >= 1 and <= 10'],
    [
      'a bounded, patterned string',
      { type: 'string', minLength: 1, maxLength: 64, pattern: '^[a-z]+$' },
      'string of 1..64 characters matching ^[a-z]+$',
    ],
    [
      'a nullable formatted string',
      { type: ['string', 'null'], maxLength: 320, format: 'email' },
      'string or null of at most 320 characters in e-mail address format',
    ],
    ['an exact length', { type: 'string', minLength: 16, maxLength: 16 }, 'string of exactly 16 characters'],
    ['a bounded array', { type: 'array', maxItems: 64 }, 'array of at most 64 items'],
    ['a bounded object', { type: 'object', maxProperties: 16 }, 'object of at most 16 properties'],
    ['a constant', { type: 'string', const: '1.0' }, 'equal to "1.0"'],
    ['an enumeration', { type: 'string', enum: ['a', 'b'] }, 'one of a, b'],
    ['an unknown format', { type: 'string', format: 'ipv4' }, 'string in ipv4 format'],
    ['a schema without type', { minLength: 2 }, 'valid of at least 2 characters'],
  ])('describes %s', (_case, schema, rule) => {
    expect(describeRule(schema)).toBe(rule);
  });
});

describe('describeViolation', () => {
  const base = { schemaPath: '#', message: 'ignored', data: 'SECRET-VALUE' };

  it('names the missing property for required', () => {
    const violation = describeViolation([
      { ...base, keyword: 'required', instancePath: '/data', params: { missingProperty: 'a/b' } },
    ]);

    expect(violation).toEqual({ field: '/data/a~1b', reason: '/data/a~1b is required' });
  });

  it('describes the rule from the parent schema and never uses the data', () => {
    const violation = describeViolation(
      [
        {
          ...base,
          keyword: 'maxLength',
          instancePath: '/x',
          params: {},
          parentSchema: { type: 'string', maxLength: 3 },
        },
      ],
      '/base',
    );

    expect(violation).toEqual({ field: '/base/x', reason: '/base/x must be string of at most 3 characters' });
    expect(JSON.stringify(violation)).not.toContain('SECRET');
  });

  it('labels the root and handles a missing error list', () => {
    expect(
      describeViolation([
        { ...base, keyword: 'type', instancePath: '', params: {}, parentSchema: { type: 'object' } },
      ]).reason,
    ).toBe('(root) must be object');
    expect(describeViolation(undefined, '/x')).toEqual({ field: '/x', reason: '/x is invalid' });
  });

  it('uses the description of a not-schema', () => {
    const error = {
      ...base,
      keyword: 'not',
      instancePath: '/d',
      params: {},
      schema: { description: 'must not do both' },
    };

    expect(describeViolation([error]).reason).toBe('/d must not do both');
  });
});
