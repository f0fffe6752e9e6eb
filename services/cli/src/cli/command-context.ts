import { type Printer } from '../output/printer';
import { type CliRuntime } from './cli-runtime';
import { type ExitCode } from './exit-codes';

/** What every command gets: the outside world, a printer, and where to put its exit code. */
export interface CommandContext {
  readonly runtime: CliRuntime;
  readonly printer: Printer;
  finish(code: ExitCode): void;
}

/** Adapts a command body returning its exit code to commander's action callback. */
export function action<A extends unknown[]>(
  context: CommandContext,
  body: (...args: A) => Promise<ExitCode>,
): (...args: A) => Promise<void> {
  return async (...args) => context.finish(await body(...args));
}
