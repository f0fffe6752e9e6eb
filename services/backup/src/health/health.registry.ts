import { Injectable } from '@nestjs/common';
import { describeError } from '@vault-backup/errors';

export type ProbeKind = 'live' | 'ready';

export interface HealthCheck {
  readonly name: string;
  /** Liveness checks say whether the process should be restarted; readiness whether it should get work. */
  readonly kinds: readonly ProbeKind[];
  /** Resolves when healthy, throws with a short reason otherwise. */
  check(): Promise<void> | void;
}

export interface ProbeReport {
  readonly status: 'ok' | 'failing';
  readonly checks: Record<string, { status: 'ok' | 'failing'; reason?: string }>;
}

/** How long a probe waits for one check: well under a Kubernetes probe's usual 5 s timeout. */
export const CHECK_DEADLINE_MS = 2_000;

/**
 * Modules register their own checks, so health reflects what the process really depends on. Every
 * check answers within the deadline: one that does not (a broker that does not answer, behind its
 * client's own retries) is failing, so a probe says 503 at once instead of timing out. A check still
 * running is joined by the next probe rather than started again, so slow checks cannot pile up.
 */
@Injectable()
export class HealthRegistry {
  private readonly checks: HealthCheck[] = [];
  private readonly running = new Map<string, Promise<void>>();

  register(check: HealthCheck): void {
    this.checks.push(check);
  }

  async probe(kind: ProbeKind): Promise<ProbeReport> {
    const relevant = this.checks.filter((check) => check.kinds.includes(kind));
    const results = await Promise.all(
      relevant.map((check) => runCheck(check.name, this.shared(check), CHECK_DEADLINE_MS)),
    );
    const checks: ProbeReport['checks'] = {};
    for (const [name, result] of results) checks[name] = result;
    const failing = results.some(([, result]) => result.status === 'failing');
    return { status: failing ? 'failing' : 'ok', checks };
  }

  /** The check's run in progress, or a new one. */
  private shared(check: HealthCheck): Promise<void> {
    const inFlight = this.running.get(check.name);
    if (inFlight !== undefined) return inFlight;
    const run = Promise.resolve()
      .then(() => check.check())
      .finally(() => this.running.delete(check.name));
    this.running.set(check.name, run);
    return run;
  }
}

type CheckResult = ProbeReport['checks'][string];

async function runCheck(
  name: string,
  result: Promise<void>,
  deadlineMs: number,
): Promise<[string, CheckResult]> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${deadlineMs} ms`)), deadlineMs);
  });
  try {
    await Promise.race([result, deadline]);
    return [name, { status: 'ok' }];
  } catch (error) {
    return [name, { status: 'failing', reason: describeError(error) }];
  } finally {
    clearTimeout(timer);
  }
}
