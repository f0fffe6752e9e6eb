import { type ValidationError } from '@nestjs/common';
import { toFieldProblems } from './validation.pipe';

describe('toFieldProblems', () => {
  it('flattens nested errors into dotted fields without the property-name prefix', () => {
    const errors: ValidationError[] = [
      { property: 'safeName', constraints: { matches: 'safeName must be 1-28 characters' }, children: [] },
      {
        property: 'outer',
        children: [{ property: 'inner', constraints: { isString: 'inner must be a string' }, children: [] }],
      },
      {
        property: '',
        constraints: { unknownValue: 'an unknown value was passed to the validate function' },
        children: [],
      },
    ];
    expect(toFieldProblems(errors)).toEqual([
      { field: 'safeName', message: 'must be 1-28 characters' },
      { field: 'outer.inner', message: 'must be a string' },
      { field: '(body)', message: 'an unknown value was passed to the validate function' },
    ]);
  });
});
