import { type Command, Option } from 'commander';
import { type Query } from '../api/admin-api.client';
import { routes } from '../api/admin-api.routes';
import { type ProblemPage, type WorkspaceProblemsPage } from '../api/admin-api.types';
import { fetchPages } from '../api/page-walker';
import { UsageError } from '../cli/cli.errors';
import { action, type CommandContext } from '../cli/command-context';
import {
  type ConnectionFlags,
  dateTime,
  type PageFlags,
  withConnection,
  withPaging,
} from '../cli/common-options';
import { EXIT, type ExitCode } from '../cli/exit-codes';
import { openSession, requireWorkspace, type Session } from '../profile/session';
import { renderProblemPage, renderWorkspaceProblems } from './failures.view';

export interface FilterFlags {
  readonly class?: string;
  readonly code?: string;
  readonly account?: string;
  readonly from?: string;
  readonly to?: string;
}

type ListFlags = ConnectionFlags &
  PageFlags &
  FilterFlags & { readonly kind?: string; readonly allWorkspaces?: boolean; readonly unattributed?: boolean };

/** `--class`, `--code`, `--account`, `--from`, `--to`: shared with `replay`. */
export function withFilters(command: Command): Command {
  return command
    .option('--class <errorClass>', 'error class, e.g. invalid-property, permission')
    .option('--code <code>', 'error code (the CyberArk code when there is one), e.g. PASWS041E')
    .option('--account <accountId>', 'one account')
    .option('--from <date-time>', 'last failure at or after (RFC 3339)', dateTime)
    .option('--to <date-time>', 'last failure at or before (RFC 3339)', dateTime);
}

export function filterQuery(flags: FilterFlags): Query {
  return {
    errorClass: flags.class,
    code: flags.code,
    accountId: flags.account,
    from: flags.from,
    to: flags.to,
  };
}

export function registerFailuresCommand(program: Command, context: CommandContext): void {
  const failures = program
    .command('failures')
    .description('backups not in the safe, with what to do about each');
  withFilters(withPaging(withConnection(failures.command('list'))))
    .description('failed (replay once fixed) and parked (retried automatically) backups, counted by class')
    .addOption(new Option('--kind <kind>', 'only failed or only parked').choices(['failed', 'parked']))
    .option('--all-workspaces', 'operators: counts of every workspace')
    .option('--unattributed', 'operators: failures that belong to no workspace (dead letters)')
    .action(action(context, (flags: ListFlags) => list(context, flags)));
}

async function list(context: CommandContext, flags: ListFlags): Promise<ExitCode> {
  if (flags.allWorkspaces === true && flags.unattributed === true) {
    throw new UsageError('--all-workspaces and --unattributed exclude each other');
  }
  const session = await openSession(context.runtime, flags);
  const query = { ...filterQuery(flags), kind: flags.kind, limit: flags.limit };
  if (flags.allWorkspaces === true) return listAllWorkspaces(context, session, query, flags);
  const path =
    flags.unattributed === true
      ? routes.unattributedProblems()
      : routes.problems(requireWorkspace(session, 'failures list'));
  const page = await fetchPages<ProblemPage>(session.api, path, query, flags.all === true);
  if (flags.json === true) context.printer.json(page);
  else context.printer.line(renderProblemPage(page));
  moreHint(context, page.nextCursor, flags);
  return EXIT.ok;
}

async function listAllWorkspaces(
  context: CommandContext,
  session: Session,
  query: Query,
  flags: ListFlags,
): Promise<ExitCode> {
  const page = await fetchPages<WorkspaceProblemsPage>(
    session.api,
    routes.allProblems(),
    query,
    flags.all === true,
  );
  if (flags.json === true) context.printer.json(page);
  else context.printer.line(renderWorkspaceProblems(page));
  moreHint(context, page.nextCursor, flags);
  return EXIT.ok;
}

function moreHint(context: CommandContext, cursor: string | null, flags: ListFlags): void {
  if (cursor !== null && flags.json !== true) context.printer.note('more on the next pages: pass --all');
}
