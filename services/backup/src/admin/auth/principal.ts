export const ROLES = ['owner', 'super_admin', 'admin', 'member', 'operator', 'operator_replay'] as const;

export type Role = (typeof ROLES)[number];

/** SRE roles: not bound to a workspace. `operator` reads; `operator_replay` also replays. */
export const OPERATOR_ROLES: ReadonlySet<Role> = new Set(['operator', 'operator_replay']);

/** Who is calling, from a verified access token. `workspaceId` is absent only for operators. */
export interface Principal {
  readonly sub: string;
  readonly role: Role;
  readonly workspaceId?: string;
}

/** Workspace ids as the API and the database accept them (varchar(64)). */
export const WORKSPACE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
