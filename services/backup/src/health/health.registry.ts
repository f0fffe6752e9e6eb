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
    const results = await Promise.all(
      relevant.map(async (check) => {
        try {
          await check.check();
          return [check.name, { status: 'ok' as const }] as const;
        } catch (error) {
          return [check.name, { status: 'failing' as const, reason: describeError(error) }] as const;
        }
      }),
    );
    const failing = results.some(([, result]) => result.status === 'failing');
    return { status: failing ? 'failing' : 'ok', checks: Object.fromEntries(results) };
  }
}
