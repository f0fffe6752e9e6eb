import { type Command } from 'commander';
import { action, type CommandContext } from '../cli/command-context';
import { withConnection, type ConnectionFlags } from '../cli/common-options';
import { EXIT } from '../cli/exit-codes';
import { openSession } from '../profile/session';

export function registerWhoamiCommand(program: Command, context: CommandContext): void {
  withConnection(
    program.command('whoami').description('who the current token says you are (read, not verified)'),
  ).action(
    action(context, async (flags: ConnectionFlags) => {
      const session = await openSession(context.runtime, flags);
      const { claims } = session;
      if (flags.json === true) {
        context.printer.json({
          ...claims,
          expiresAt: isoOrNull(claims.expiresAt),
          workspace: session.workspace ?? null,
          apiUrl: session.apiUrl,
        });
        return EXIT.ok;
      }
      context.printer.line(`sub        ${claims.sub ?? '-'}`);
      context.printer.line(`role       ${claims.role ?? '-'}`);
      context.printer.line(`workspace  ${session.workspace ?? '- (operator routes)'}`);
      context.printer.line(`expires    ${isoOrNull(claims.expiresAt) ?? '-'}`);
      context.printer.line(`api        ${session.apiUrl}`);
      return EXIT.ok;
    }),
  );
}

function isoOrNull(epochMs: number | undefined): string | null {
  return epochMs === undefined ? null : new Date(epochMs).toISOString();
}
