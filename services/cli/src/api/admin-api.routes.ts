/**
 * The admin API's paths, relative (no leading slash) so an `--api-url` with a path prefix keeps it.
 * `scope` is a workspace, or `undefined` for the operators' cross-workspace routes.
 */
const V1 = 'api/v1';

const workspace = (id: string) => `${V1}/workspaces/${encodeURIComponent(id)}/vault-backup`;

export const routes = {
  vaultBackup: (id: string) => workspace(id),
  vaultBackups: () => `${V1}/vault-backups`,
  problems: (id: string) => `${workspace(id)}/problems`,
  allProblems: () => `${V1}/vault-backups/problems`,
  unattributedProblems: () => `${V1}/vault-backups/problems/unattributed`,
  auditLog: (id: string) => `${workspace(id)}/audit-log`,
  replayJobs: (scope: string | undefined) =>
    scope === undefined ? `${V1}/vault-backups/replay-jobs` : `${workspace(scope)}/replay-jobs`,
  replayJob: (scope: string | undefined, jobId: string) =>
    `${routes.replayJobs(scope)}/${encodeURIComponent(jobId)}`,
  deadLetterReplayJobs: () => `${V1}/vault-backups/dead-letter-replay-jobs`,
};
