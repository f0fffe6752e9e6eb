import { EXIT, type ExitCode } from './exit-codes';

/** An error the CLI reports as one message on stderr (never a stack trace), with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.error,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Wrong or missing options, or a confirmation refused: exit 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}
