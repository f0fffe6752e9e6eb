import { ValidateIf } from 'class-validator';

/**
 * A body field that may be left out, but not sent as `null`: its other rules then apply to `null`
 * too (`@IsBoolean()` refuses it), so a 400 names the field. class-validator's `@IsOptional()` lets
 * `null` through as if the field were absent, and a PATCH would then store it (a NOT NULL column:
 * a 500, found by schemathesis with `{"retryBudgetSeconds": null}`).
 */
export function OptionalNotNull(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}
