import { Gauge, type Registry } from 'prom-client';
import { describeError } from '@vault-backup/errors';
import { METRIC_PREFIX } from '@vault-backup/observability';
import { type FailureStore } from '../failures/failure.store';

const SNAPSHOT_REUSE_MS = 1_000;

export interface FreshnessOptions {
  /** Workspaces exported by name (the stalest first); 0 exports only the count, no per-workspace series. */
  readonly topWorkspaces: number;
  readonly now?: () => number;
  readonly onError?: (reason: string) => void;
}

/**
 * Per-workspace backup freshness, read from PostgreSQL at scrape time: the age of each workspace's
 * oldest change that is not in the safe (its newest version failed or is parked). Labels are bounded:
 * only the `topWorkspaces` stalest workspaces get a series, and how many workspaces have such a change
 * at all is one unlabelled gauge. Every replica reads the same database, so dashboards take `max by
 * (workspace_id)`. A failed read exports no workspace series and a NaN count for that scrape (and
 * says so in the log), never a stale or a reassuring value.
 */
export class WorkspaceFreshnessMetrics {
  constructor(registry: Registry, store: FailureStore, options: FreshnessOptions) {
    const now = options.now ?? Date.now;
    type Snapshot = Awaited<ReturnType<FailureStore['oldestUnbacked']>> | undefined;
    // Both gauges are collected in one scrape: one query, reused for a second, serves them.
    let last: { readonly at: number; readonly value: Promise<Snapshot> } | undefined;
    const snapshot = (): Promise<Snapshot> => {
      const at = now();
      if (last === undefined || at - last.at >= SNAPSHOT_REUSE_MS) {
        const value = store.oldestUnbacked(options.topWorkspaces).catch((error: unknown) => {
          options.onError?.(describeError(error));
          return undefined;
        });
        last = { at, value };
      }
      return last.value;
    };
    new Gauge<'workspace_id'>({
      name: `${METRIC_PREFIX}workspace_oldest_unbacked_change_age_seconds`,
      help: 'Age of the oldest change of a workspace that is not in its safe (failed or parked), for the stalest workspaces only (METRICS_FRESHNESS_TOP_WORKSPACES).',
      labelNames: ['workspace_id'],
      registers: [registry],
      async collect() {
        this.reset();
        const current = await snapshot();
        for (const item of current?.items ?? []) {
          this.set(
            { workspace_id: item.workspaceId },
            Math.max(0, (now() - item.oldestFailedAt.getTime()) / 1_000),
          );
        }
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}workspaces_with_unbacked_changes`,
      help: 'Workspaces with at least one change not in their safe (failed or parked); NaN when the database could not be read.',
      registers: [registry],
      async collect() {
        const current = await snapshot();
        this.set(current === undefined ? Number.NaN : current.workspaces);
      },
    });
  }
}
