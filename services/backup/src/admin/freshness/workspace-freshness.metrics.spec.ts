import { Registry } from 'prom-client';
import { type FailureStore } from '../failures/failure.store';
import { WorkspaceFreshnessMetrics } from './workspace-freshness.metrics';

const NOW = Date.parse('2026-12-03T12:00:00Z');

function metricsWith(
  oldestUnbacked: FailureStore['oldestUnbacked'],
  topWorkspaces = 2,
): { registry: Registry; errors: string[]; calls: number[] } {
  const registry = new Registry();
  const errors: string[] = [];
  const calls: number[] = [];
  const store = {
    oldestUnbacked: (limit: number) => {
      calls.push(limit);
      return oldestUnbacked(limit);
    },
  } as unknown as FailureStore;
  new WorkspaceFreshnessMetrics(registry, store, {
    topWorkspaces,
    now: () => NOW,
    onError: (reason) => errors.push(reason),
  });
  return { registry, errors, calls };
}

describe('WorkspaceFreshnessMetrics', () => {
  it('exports the age of the stalest workspaces’ oldest unbacked change, and how many workspaces have one', async () => {
    const { registry, calls } = metricsWith(() =>
      Promise.resolve({
        items: [
          { workspaceId: 'ws-old', oldestFailedAt: new Date(NOW - 3_600_000) },
          { workspaceId: 'ws-new', oldestFailedAt: new Date(NOW - 60_000) },
        ],
        workspaces: 7,
      }),
    );
    const text = await registry.metrics();
    expect(text).toContain(
      'vault_backup_workspace_oldest_unbacked_change_age_seconds{workspace_id="ws-old"} 3600',
    );
    expect(text).toContain(
      'vault_backup_workspace_oldest_unbacked_change_age_seconds{workspace_id="ws-new"} 60',
    );
    expect(text).toContain('vault_backup_workspaces_with_unbacked_changes 7');
    // One query serves both gauges of a scrape.
    expect(calls).toEqual([2]);
  });

  it('exports no workspace and an unknown (NaN) count, never a reassuring 0, when the database cannot be read', async () => {
    const { registry, errors } = metricsWith(() => Promise.reject(new Error('connection refused')));
    const text = await registry.metrics();
    expect(text).not.toMatch(/^vault_backup_workspace_oldest_unbacked_change_age_seconds\{/m);
    expect(text).toMatch(/^vault_backup_workspaces_with_unbacked_changes nan$/im);
    expect(errors).toEqual([expect.stringContaining('connection refused')]);
  });

  it('with 0 named workspaces exports only the count', async () => {
    const { registry, calls } = metricsWith(() => Promise.resolve({ items: [], workspaces: 3 }), 0);
    const text = await registry.metrics();
    expect(text).not.toMatch(/workspace_id=/);
    expect(text).toContain('vault_backup_workspaces_with_unbacked_changes 3');
    expect(calls).toEqual([0]);
  });
});
