import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { type FieldProblem, RequestValidationError } from './admin.errors';

/**
 * DTO validation for every admin route: unknown fields are rejected, values are never echoed
 * (`value: false`), and each broken rule becomes one `{ field, message }`.
 */
export function createAdminValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationError(toFieldProblems(errors)),
  });
}

export function toFieldProblems(errors: readonly ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = error.property
      ? parent
        ? `${parent}.${error.property}`
        : error.property
      : parent || '(body)';
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: stripPropertyName(message, error.property),
    }));
    return [...own, ...toFieldProblems(error.children ?? [], field)];
  });
}

/** class-validator prefixes messages with the property name; the field is already named separately. */
function stripPropertyName(message: string, property: string): string {
  return property && message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}
