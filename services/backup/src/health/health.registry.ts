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

/** Modules register their own checks, so health reflects what the process really depends on. */
@Injectable()
export class HealthRegistry {
  private readonly checks: HealthCheck[] = [];

  register(check: HealthCheck): void {
    this.checks.push(check);
  }

  async probe(kind: ProbeKind): Promise<ProbeReport> {
    const relevant = this.checks.filter((check) => check.kinds.includes(kind));
    const results = await Promise.all(relevant.map((check) => runCheck(check)));
    const checks: ProbeReport['checks'] = {};
    for (const [name, result] of results) checks[name] = result;
    const failing = results.some(([, result]) => result.status === 'failing');
    return { status: failing ? 'failing' : 'ok', checks };
  }
}

type CheckResult = ProbeReport['checks'][string];

async function runCheck(check: HealthCheck): Promise<[string, CheckResult]> {
  try {
    await check.check();
    return [check.name, { status: 'ok' }];
  } catch (error) {
    return [check.name, { status: 'failing', reason: describeError(error) }];
  }
}
