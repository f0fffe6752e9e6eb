/**
 * Whose data a data key protects: `service` (data no workspace owns) or `workspace:<workspaceId>`.
 * Workspace scopes carry a prefix because a workspace may well be called "service".
 */
export const SERVICE_SCOPE = 'service';

const WORKSPACE_PREFIX = 'workspace:';
/** Admin API and event contract workspace ids both fit: 1..64 of [A-Za-z0-9._-]. */
const WORKSPACE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The scope of a workspace's data, or of the service's own when `workspaceId` is absent. */
export function dataKeyScope(workspaceId?: string): string {
  if (workspaceId === undefined) return SERVICE_SCOPE;
  if (!WORKSPACE_ID.test(workspaceId))
    throw new RangeError('a cipher scope must be a workspace id of 1..64 characters of [A-Za-z0-9._-]');
  return `${WORKSPACE_PREFIX}${workspaceId}`;
}

/** The workspace a scope belongs to; undefined for the service scope. */
export function workspaceOfScope(scope: string): string | undefined {
  return scope.startsWith(WORKSPACE_PREFIX) ? scope.slice(WORKSPACE_PREFIX.length) : undefined;
}
