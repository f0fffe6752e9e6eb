import { type Query } from '../api/admin-api.client';
import { routes } from '../api/admin-api.routes';
import { UsageError } from '../cli/cli.errors';
import { filterQuery, type FilterFlags } from '../failures/failures.command';
import { requireWorkspace, type Session } from '../profile/session';

export interface ReplaySelectionFlags extends FilterFlags {
  readonly failure?: string[];
  readonly all?: boolean;
  readonly allWorkspaces?: boolean;
  readonly deadLetter?: boolean;
  readonly partition?: number;
  readonly fromOffset?: string;
  readonly toOffset?: string;
  readonly unattributed?: boolean;
  readonly workspace?: string;
}

/** Where a replay job is created and followed, what it selects, and how to name it to a human. */
export interface ReplayTarget {
  readonly createPath: string;
  /** The job routes' scope: a workspace, or undefined for the operators' routes. */
  readonly scope: string | undefined;
  readonly selection: Record<string, unknown>;
  readonly label: string;
}

export function replayTarget(session: Session, flags: ReplaySelectionFlags): ReplayTarget {
  return flags.deadLetter === true ? deadLetterTarget(flags) : workspaceTarget(session, flags);
}

/** Exactly one of: `--failure` ids, filters, or `--all` (every open failure: `filter: {}`). */
function workspaceTarget(session: Session, flags: ReplaySelectionFlags): ReplayTarget {
  const workspace = requireWorkspace(session, 'replay');
  const filter = definedOf(filterQuery(flags));
  const chosen = [flags.failure !== undefined, Object.keys(filter).length > 0, flags.all === true].filter(
    Boolean,
  );
  if (chosen.length !== 1) {
    throw new UsageError(
      'choose what to replay with exactly one of: --failure <id...>, filters (--class, --code, --account, --from, --to), --all',
    );
  }
  const selection = flags.failure !== undefined ? { failureIds: flags.failure } : { filter };
  return workspaceTargetOf(workspace, selection);
}

export function workspaceTargetOf(workspace: string, selection: Record<string, unknown>): ReplayTarget {
  return {
    createPath: routes.replayJobs(workspace),
    scope: workspace,
    selection,
    label: `workspace ${workspace}`,
  };
}

/**
 * `--all-workspaces`: the filter every workspace's job takes, from exactly one of the filters
 * (`--class`, `--code`, `--from`, `--to`) or `--all` (`{}`). What names one workspace's records
 * (`--account`, `--failure`, `--workspace`) or dead letters has no meaning across workspaces.
 */
export function allWorkspacesFilter(flags: ReplaySelectionFlags): Record<string, string> {
  const excluded = Object.entries({
    '--account': flags.account,
    '--failure': flags.failure,
    '--workspace': flags.workspace,
    '--dead-letter': flags.deadLetter,
    '--unattributed': flags.unattributed,
  })
    .filter(([, value]) => value !== undefined)
    .map(([name]) => name);
  if (excluded.length > 0) {
    throw new UsageError(
      `--all-workspaces replays by filter in every workspace: it does not take ${excluded.join(', ')}`,
    );
  }
  const filter = definedOf(filterQuery(flags));
  const byFilter = Object.keys(filter).length > 0;
  if (byFilter === (flags.all === true)) {
    throw new UsageError(
      'choose what to replay in every workspace with exactly one of: filters (--class, --code, --from, --to), --all',
    );
  }
  return filter;
}

function deadLetterTarget(flags: ReplaySelectionFlags): ReplayTarget {
  const { partition, fromOffset, toOffset } = flags;
  if (partition === undefined || fromOffset === undefined || toOffset === undefined) {
    throw new UsageError('--dead-letter needs --partition, --from-offset and --to-offset');
  }
  if (flags.workspace !== undefined && flags.unattributed === true) {
    throw new UsageError('--workspace and --unattributed exclude each other');
  }
  const selection = {
    partition,
    fromOffset,
    toOffset,
    ...(flags.workspace === undefined ? {} : { workspaceId: flags.workspace }),
    ...(flags.unattributed === true ? { unattributed: true } : {}),
  };
  const whose =
    flags.workspace !== undefined
      ? `workspace ${flags.workspace}`
      : flags.unattributed === true
        ? 'no workspace'
        : 'any workspace';
  return {
    createPath: routes.deadLetterReplayJobs(),
    scope: undefined,
    selection,
    label: `dead-letter partition ${partition}, offsets ${fromOffset}-${toOffset} (${whose})`,
  };
}

function definedOf(query: Query): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)) as Record<
    string,
    string
  >;
}
