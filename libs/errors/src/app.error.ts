/**
 * Base of every error we raise on purpose. `retriable` answers the only question a caller
 * usually has: can trying again help? `code` is stable and safe to log, to count and to return;
 * `message` must never carry a secret.
 */
export abstract class AppError extends Error {
  abstract readonly code: string;
  abstract readonly retriable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  toJSON(): { name: string; code: string; retriable: boolean; message: string } {
    return { name: this.name, code: this.code, retriable: this.retriable, message: this.message };
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** True when the error says a retry may succeed; unknown errors are treated as not retriable bugs. */
export function isRetriable(error: unknown): boolean {
  return isAppError(error) && error.retriable;
}

/** A short, secret-free description for logs and failure records. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return typeof error === 'string' ? error : 'unknown error';
  const cause =
    error.cause instanceof Error ? ` (caused by ${error.cause.name}: ${error.cause.message})` : '';
  return `${error.name}: ${error.message}${cause}`;
}
