import { type Command } from 'commander';
import { routes } from '../api/admin-api.routes';
import { type Page, type VaultBackup, type VaultBackupSummary } from '../api/admin-api.types';
import { fetchPages } from '../api/page-walker';
import { UsageError } from '../cli/cli.errors';
import { action, type CommandContext } from '../cli/command-context';
import { type ConnectionFlags, type PageFlags, withConnection, withPaging } from '../cli/common-options';
import { EXIT, type ExitCode } from '../cli/exit-codes';
import { openSession, type Session } from '../profile/session';
import { renderBackup, renderSummaries } from './status.view';

type StatusFlags = ConnectionFlags & PageFlags & { readonly status?: string };

export function registerStatusCommand(program: Command, context: CommandContext): void {
  withPaging(withConnection(program.command('status')))
    .description("a workspace's backup status; operators without a workspace: every workspace")
    .option(
      '--status <status>',
      'operators: only workspaces in this state (draft, connected, validated, enabled, disabled)',
    )
    .action(action(context, (flags: StatusFlags) => status(context, flags)));
}

async function status(context: CommandContext, flags: StatusFlags): Promise<ExitCode> {
  const session = await openSession(context.runtime, flags);
  if (session.workspace !== undefined) {
    const backup = await session.api.get<VaultBackup>(routes.vaultBackup(session.workspace));
    if (flags.json === true) context.printer.json(backup);
    else context.printer.line(renderBackup(backup));
    return EXIT.ok;
  }
  return operatorStatus(context, session, flags);
}

async function operatorStatus(
  context: CommandContext,
  session: Session,
  flags: StatusFlags,
): Promise<ExitCode> {
  if (session.claims.role?.startsWith('operator') !== true) {
    throw new UsageError('status needs a workspace: pass --workspace <id>');
  }
  const query = { limit: flags.limit, status: flags.status };
  const page = await fetchPages<Page<VaultBackupSummary>>(
    session.api,
    routes.vaultBackups(),
    query,
    flags.all === true,
  );
  if (flags.json === true) context.printer.json(page);
  else context.printer.line(renderSummaries(page.items));
  if (page.nextCursor !== null && flags.json !== true) context.printer.note('more workspaces: pass --all');
  return EXIT.ok;
}
