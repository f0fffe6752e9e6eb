import { afterPosition, afterWorkspace, problemConditions } from './problem-query';

describe('problemConditions', () => {
  it('scopes to one workspace with nothing else when there is no filter', () => {
    expect(problemConditions({ workspaceId: 'ws-1' }, {})).toEqual({
      where: 'workspace_id = $1',
      parameters: ['ws-1'],
    });
  });

  it('scopes to every attributed workspace for operators', () => {
    expect(problemConditions('all-workspaces', {})).toEqual({
      where: 'workspace_id IS NOT NULL',
      parameters: [],
    });
  });

  it('ANDs every filter with numbered parameters, values never in the text', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2026-01-02T00:00:00Z');
    const condition = problemConditions(
      { workspaceId: "ws'; DROP TABLE x" },
      { kind: 'parked', errorClass: 'permission', code: 'PASWS041E', accountId: 'acc-1', from, to },
    );
    expect(condition.where).toBe(
      'workspace_id = $1 AND kind = $2 AND error_class = $3 AND code = $4 AND account_id = $5 AND last_failed_at >= $6::timestamptz AND last_failed_at <= $7::timestamptz',
    );
    expect(condition.parameters).toEqual([
      "ws'; DROP TABLE x",
      'parked',
      'permission',
      'PASWS041E',
      'acc-1',
      from,
      to,
    ]);
  });

  it('scopes to the failures attributed to no workspace', () => {
    expect(problemConditions('unattributed', { errorClass: 'invalid-event' })).toEqual({
      where: 'workspace_id IS NULL AND error_class = $1',
      parameters: ['invalid-event'],
    });
  });

  it('numbers from where the caller is', () => {
    expect(problemConditions('all-workspaces', { code: 'X' }, 4).where).toBe(
      'workspace_id IS NOT NULL AND code = $4',
    );
  });
});

describe('paging conditions', () => {
  it('continues after a problem in the stable order', () => {
    expect(afterPosition({ firstFailedMicros: '1700000000000000', itemKey: 'p:acc-1' }, 3)).toEqual({
      where:
        '((extract(epoch FROM first_failed_at) * 1000000)::bigint, item_key COLLATE "C") < ($3::bigint, $4::text COLLATE "C")',
      parameters: ['1700000000000000', 'p:acc-1'],
    });
  });

  it('continues after a workspace in the attention order', () => {
    const condition = afterWorkspace({ failed: 3, parked: 1, workspaceId: 'ws-2' }, 2);
    expect(condition.parameters).toEqual([3, 1, 'ws-2']);
    expect(condition.where).toContain('failed < $2::int');
    expect(condition.where).toContain('workspace_id COLLATE "C" > $4::text COLLATE "C"');
  });
});
