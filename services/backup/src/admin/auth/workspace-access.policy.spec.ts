import { type Principal, type Role } from './principal';
import { type AccessDecision, type AccessRequirement, decideAccess } from './workspace-access.policy';

const inWorkspace = (role: Role, workspaceId = 'ws-1'): Principal => ({
  sub: `user-${role}`,
  role,
  workspaceId,
});
const operator: Principal = { sub: 'sre-1', role: 'operator' };
const operatorReplay: Principal = { sub: 'sre-2', role: 'operator_replay' };

describe('decideAccess', () => {
  it.each<[Principal, AccessRequirement, string | undefined, AccessDecision]>([
    [inWorkspace('owner'), 'manage', 'ws-1', 'allow'],
    [inWorkspace('super_admin'), 'manage', 'ws-1', 'allow'],
    [inWorkspace('admin'), 'manage', 'ws-1', 'allow'],
    [inWorkspace('admin'), 'read-status', 'ws-1', 'allow'],
    [inWorkspace('member'), 'read-status', 'ws-1', 'forbidden'],
    [inWorkspace('member'), 'manage', 'ws-1', 'forbidden'],
    [inWorkspace('owner'), 'manage', 'ws-2', 'not-found'],
    [inWorkspace('admin'), 'read-status', 'ws-2', 'not-found'],
    [inWorkspace('member'), 'manage', 'ws-2', 'not-found'],
    [inWorkspace('owner'), 'manage', undefined, 'not-found'],
    [operator, 'read-status', 'ws-1', 'allow'],
    [operator, 'manage', 'ws-1', 'forbidden'],
    [operator, 'operator', undefined, 'allow'],
    [inWorkspace('owner'), 'operator', undefined, 'forbidden'],
    [inWorkspace('member'), 'operator', undefined, 'forbidden'],
    [inWorkspace('admin'), 'replay', 'ws-1', 'allow'],
    [inWorkspace('member'), 'replay', 'ws-1', 'forbidden'],
    [inWorkspace('admin'), 'replay', 'ws-2', 'not-found'],
    [inWorkspace('owner'), 'operator-replay', undefined, 'forbidden'],
    [operator, 'replay', 'ws-1', 'forbidden'],
    [operator, 'operator-replay', undefined, 'forbidden'],
    [operatorReplay, 'replay', 'ws-1', 'allow'],
    [operatorReplay, 'replay', 'ws-2', 'allow'],
    [operatorReplay, 'operator-replay', undefined, 'allow'],
    [operatorReplay, 'operator', undefined, 'allow'],
    [operatorReplay, 'read-status', 'ws-1', 'allow'],
    [operatorReplay, 'manage', 'ws-1', 'forbidden'],
  ])('%j %s on %s → %s', (principal, requirement, workspaceId, decision) => {
    expect(decideAccess(principal, requirement, workspaceId)).toBe(decision);
  });

  it('never lets a workspace-bound role see another workspace, whatever the case or padding', () => {
    expect(decideAccess(inWorkspace('owner', 'ws-1'), 'manage', 'WS-1')).toBe('not-found');
    expect(decideAccess(inWorkspace('owner', 'ws-1'), 'manage', 'ws-1 ')).toBe('not-found');
  });
});
