import { Command, CommanderError } from 'commander';
import { registerAuditCommand } from '../audit/audit.command';
import { registerFailuresCommand } from '../failures/failures.command';
import { registerJobsCommand } from '../jobs/jobs.command';
import { registerLoginCommand } from '../login/login.command';
import { registerWhoamiCommand } from '../login/whoami.command';
import { Printer } from '../output/printer';
import { registerReplayCommand } from '../replay/replay.command';
import { registerStatusCommand } from '../status/status.command';
import { type CliRuntime } from './cli-runtime';
import { CliError } from './cli.errors';
import { type CommandContext } from './command-context';
import { EXIT, EXIT_CODES_HELP, type ExitCode } from './exit-codes';

/** Runs one command line; returns its exit code instead of exiting, so tests run it in-process. */
export async function runCli(argv: readonly string[], runtime: CliRuntime): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  const context: CommandContext = {
    runtime,
    printer: new Printer(runtime),
    finish: (code) => (exitCode = code),
  };
  try {
    await buildProgram(context).parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error: unknown) {
    return reportError(runtime, error);
  }
}

export function buildProgram(context: CommandContext): Command {
  const { runtime } = context;
  const program = new Command('vault-backup')
    .description('vault-backup admin CLI: status, failures, replay jobs and audit log, through the admin API')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => runtime.stdout.write(text),
      writeErr: (text) => runtime.stderr.write(text),
    })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);
  registerLoginCommand(program, context);
  registerWhoamiCommand(program, context);
  registerStatusCommand(program, context);
  registerFailuresCommand(program, context);
  registerReplayCommand(program, context);
  registerJobsCommand(program, context);
  registerAuditCommand(program, context);
  return program;
}

/** One line per problem on stderr, never a stack trace. */
function reportError(runtime: CliRuntime, error: unknown): ExitCode {
  if (error instanceof CommanderError) {
    // Commander printed its own message (or the help) already.
    const shown = ['commander.helpDisplayed', 'commander.version'].includes(error.code);
    return shown ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof CliError) {
    runtime.stderr.write(`error: ${error.message}\n`);
    return error.exitCode;
  }
  runtime.stderr.write(`error: unexpected: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.error;
}
