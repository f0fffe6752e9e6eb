import { type Command } from 'commander';
import { routes } from '../api/admin-api.routes';
import { type AuditEntry, type Page } from '../api/admin-api.types';
import { fetchPages } from '../api/page-walker';
import { action, type CommandContext } from '../cli/command-context';
import { type ConnectionFlags, type PageFlags, withConnection, withPaging } from '../cli/common-options';
import { EXIT, type ExitCode } from '../cli/exit-codes';
import { openSession, requireWorkspace } from '../profile/session';
import { renderTable } from '../output/table';

type AuditFlags = ConnectionFlags & PageFlags;

export function registerAuditCommand(program: Command, context: CommandContext): void {
  withPaging(withConnection(program.command('audit')))
    .description("the workspace's audit log, newest first")
    .action(action(context, (flags: AuditFlags) => audit(context, flags)));
}

async function audit(context: CommandContext, flags: AuditFlags): Promise<ExitCode> {
  const session = await openSession(context.runtime, flags);
  const path = routes.auditLog(requireWorkspace(session, 'audit'));
  const page = await fetchPages<Page<AuditEntry>>(
    session.api,
    path,
    { limit: flags.limit },
    flags.all === true,
  );
  if (flags.json === true) {
    context.printer.json(page);
    return EXIT.ok;
  }
  context.printer.line(page.items.length === 0 ? 'no audit entries' : renderEntries(page.items));
  if (page.nextCursor !== null) context.printer.note('older entries: pass --all');
  return EXIT.ok;
}

/** Details are field names, classes and outcomes (the API never puts a secret there). */
function renderEntries(items: readonly AuditEntry[]): string {
  return renderTable(
    ['OCCURRED AT', 'ACTION', 'ACTOR', 'DETAILS'],
    items.map((entry) => [
      entry.occurredAt,
      entry.action,
      `${entry.actor.sub} (${entry.actor.role})`,
      JSON.stringify(entry.details),
    ]),
  );
}
