import { type BackupFailure, type ErrorClass } from '../domain/backup-failure';
import { type BackupOutcome } from '../domain/backup-outcome';
import { type CyberArkGatewayPort } from '../ports/cyberark-gateway.port';
import { type ActiveWorkspace } from '../ports/workspace-targets.port';

export const CIRCUIT_OPEN_FAILURE: BackupFailure = {
  errorClass: 'unavailable',
  code: 'CIRCUIT_OPEN',
  message: 'CyberArk tenant circuit is open; parked until it recovers',
  retriable: true,
};

export const TENANT_STALLED_FAILURE: BackupFailure = {
  errorClass: 'unavailable',
  code: 'TENANT_STALLED',
  message: 'CyberArk tenant is not answering in time; parked until its pending writes finish',
  retriable: true,
};

/** Failure classes that say the tenant itself is down or refusing load, not that one record is wrong. */
const TENANT_OUTAGE_CLASSES: ReadonlySet<ErrorClass> = new Set(['unavailable', 'throttled']);

/** Why a write left its tenant's queue without running: the tenant turned stalled meanwhile. */
export class TenantStalledSignal extends Error {
  constructor() {
    super('the tenant turned stalled while this write was queued');
  }
}

export interface SlowWriteBounds {
  readonly minMs: number;
  readonly maxMs: number;
}

/**
 * What this process knows of each CyberArk tenant's health, so that one tenant's trouble costs the
 * others nothing: how long its writes usually take (the adaptive park deadline), whether a write of
 * it hangs (stalled: its queue is released and new writes park at once), whether its breaker admits
 * a write, and when it answers again after an outage (listeners make its parked backups due).
 */
export class TenantHealth {
  /** Tenants with writes running past the longest park deadline, with how many. */
  private readonly stalled = new Map<string, number>();
  /** Smoothed duration of each tenant's successful writes (ms). */
  private readonly typicalWriteMs = new Map<string, number>();
  /** Tenants with backups parked by an outage, with the workspaces concerned. */
  private readonly failing = new Map<string, Set<string>>();
  private readonly recoveryListeners: ((workspaceIds: readonly string[]) => void)[] = [];
  /** Per tenant, the signal that releases its concurrency queue once it turns stalled. */
  private readonly queues = new Map<string, AbortController>();

  constructor(
    private readonly gateway: CyberArkGatewayPort,
    private readonly slowWrite: SlowWriteBounds,
    private readonly now: () => number = Date.now,
  ) {}

  /** Called with the workspaces of a tenant that answers again after an outage. */
  onRecovered(listener: (workspaceIds: readonly string[]) => void): void {
    this.recoveryListeners.push(listener);
  }

  /**
   * How long a caller should wait for one of the tenant's writes before parking it: a few times what
   * the tenant usually takes, within the configured bounds. A tenant that turns slow is detected in a
   * fraction of a second instead of after the fixed maximum.
   */
  parkDeadlineFor(tenantKey: string): number {
    const { minMs, maxMs } = this.slowWrite;
    const typical = this.typicalWriteMs.get(tenantKey);
    if (typical === undefined) return maxMs;
    return Math.min(maxMs, Math.max(minMs, Math.round(typical * 5)));
  }

  /** Why the tenant cannot take a write now (breaker open, trial reserved to the retry worker, stalled). */
  unavailable(workspace: ActiveWorkspace, mayProbe: boolean): BackupFailure | undefined {
    const circuit = this.gateway.circuitState(workspace);
    if (circuit === 'open' || (circuit === 'half-open' && !mayProbe)) return CIRCUIT_OPEN_FAILURE;
    if (this.stalled.has(workspace.tenantKey)) return TENANT_STALLED_FAILURE;
    return undefined;
  }

  /** Aborted (with TenantStalledSignal) when the tenant turns stalled: what waits in its queue is parked instead. */
  queueSignal(tenantKey: string): AbortSignal {
    let controller = this.queues.get(tenantKey);
    if (!controller) {
      controller = new AbortController();
      this.queues.set(tenantKey, controller);
    }
    return controller.signal;
  }

  /**
   * Runs one write of the tenant and learns from it. A write still running past the longest park
   * deadline marks its tenant stalled until it ends — whichever path (batch, late write, retry)
   * started it. The longest deadline, not the adaptive one: a write merely slower than usual (a busy
   * event loop under load) is parked by its own batch and must not park its whole tenant.
   */
  async watch<T>(tenantKey: string, write: () => Promise<T>): Promise<T> {
    let stalled = false;
    const timer = setTimeout(() => {
      stalled = true;
      this.stalled.set(tenantKey, (this.stalled.get(tenantKey) ?? 0) + 1);
      this.queues.get(tenantKey)?.abort(new TenantStalledSignal());
      this.queues.delete(tenantKey);
    }, this.slowWrite.maxMs);
    timer.unref();
    const started = this.now();
    try {
      const result = await write();
      this.learnDuration(tenantKey, this.now() - started);
      return result;
    } finally {
      clearTimeout(timer);
      if (stalled) {
        const left = (this.stalled.get(tenantKey) ?? 1) - 1;
        if (left > 0) this.stalled.set(tenantKey, left);
        else this.stalled.delete(tenantKey);
      }
    }
  }

  /**
   * Remembers which workspaces of a tenant had backups parked because the tenant was unavailable,
   * and tells the listeners the moment one of its writes lands again.
   */
  note(workspace: ActiveWorkspace, outcome: BackupOutcome): void {
    const tenant = workspace.tenantKey;
    if (outcome.kind === 'deferred' && TENANT_OUTAGE_CLASSES.has(outcome.failure.errorClass)) {
      const workspaces = this.failing.get(tenant) ?? new Set<string>();
      workspaces.add(workspace.workspaceId);
      this.failing.set(tenant, workspaces);
      return;
    }
    if (outcome.kind !== 'applied' || outcome.writes === 0) return;
    const recovered = this.failing.get(tenant);
    if (!recovered) return;
    this.failing.delete(tenant);
    for (const listener of this.recoveryListeners) listener([...recovered]);
  }

  private learnDuration(tenantKey: string, elapsedMs: number): void {
    const previous = this.typicalWriteMs.get(tenantKey);
    this.typicalWriteMs.set(tenantKey, previous === undefined ? elapsedMs : previous * 0.9 + elapsedMs * 0.1);
  }
}
