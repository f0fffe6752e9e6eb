import { AppError } from './app.error';

/** An external system (database, broker, key vault) could not be reached or answered with a transient fault. */
export class DependencyUnavailableError extends AppError {
  readonly code = 'DEPENDENCY_UNAVAILABLE';
  readonly retriable = true;

  constructor(
    readonly dependency: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${dependency}: ${message}`, options);
  }
}

/** Configuration is missing or invalid; the process cannot start until an operator fixes it. */
export class ConfigurationError extends AppError {
  readonly code = 'CONFIGURATION_INVALID';
  readonly retriable = false;

  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
  }
}
