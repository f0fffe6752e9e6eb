/**
 * What the batch processor tells the supervisor: an error that belongs to no record (a bug on the
 * hot path) happened, or a batch completed again.
 */
export interface StuckSignal {
  /** Makes the service unready at once; exits the process if not cleared within the fatal bound. */
  reportStuck(error: Error): void;
  /** Called after every successful batch; cheap when nothing is reported. */
  clearStuck(): void;
}

export interface StuckReport {
  /** The latest error reported. */
  readonly error: Error;
  /** When the first unresolved report came in: the fatal bound runs from here. */
  readonly since: number;
}

export interface SupervisorSettings {
  readonly fatalAfterMs: number;
}

/** The timer the escalation uses; injectable so tests advance it instead of waiting. */
export interface EscalationTimer {
  start(callback: () => void, ms: number): () => void;
}

const realTimer: EscalationTimer = {
  start(callback, ms) {
    const handle = setTimeout(callback, ms);
    // The escalation alone must not keep a process alive that is otherwise shutting down.
    handle.unref();
    return () => clearTimeout(handle);
  },
};

/** The fatal error raised when a reported stuck pipeline did not recover in time. */
export class PipelineStuckError extends Error {
  constructor(report: StuckReport, fatalAfterMs: number) {
    super(
      `the pipeline has been stuck since ${new Date(report.since).toISOString()} ` +
        `(no successful batch within ${fatalAfterMs / 1000}s): ${report.error.message}`,
      { cause: report.error },
    );
    this.name = 'PipelineStuckError';
  }
}

/**
 * Carries a fatal consumer failure to whoever owns the process (main.ts exits non-zero), so a
 * consumer that is gone for good never leaves a healthy-looking process behind. A pipeline that
 * reports itself stuck is unready at once and becomes fatal when it does not recover in time.
 */
export class ConsumerSupervisor implements StuckSignal {
  private readonly listeners: ((error: Error) => void)[] = [];
  private fatal: Error | undefined;
  private stuck: StuckReport | undefined;
  private cancelEscalation: (() => void) | undefined;

  constructor(
    private readonly settings: SupervisorSettings,
    private readonly timer: EscalationTimer = realTimer,
    private readonly now: () => number = Date.now,
  ) {}

  onFatal(listener: (error: Error) => void): void {
    this.listeners.push(listener);
    if (this.fatal) listener(this.fatal);
  }

  reportFatal(error: Error): void {
    if (this.fatal) return;
    this.fatal = error;
    for (const listener of this.listeners) listener(error);
  }

  reportStuck(error: Error): void {
    if (this.fatal) return;
    if (this.stuck) {
      // A repeated report updates the reason but must not push the deadline back.
      this.stuck = { error, since: this.stuck.since };
      return;
    }
    this.stuck = { error, since: this.now() };
    this.cancelEscalation = this.timer.start(() => this.escalate(), this.settings.fatalAfterMs);
  }

  clearStuck(): void {
    if (!this.stuck || this.fatal) return;
    this.stuck = undefined;
    this.cancelEscalation?.();
    this.cancelEscalation = undefined;
  }

  stuckReport(): StuckReport | undefined {
    return this.stuck;
  }

  fatalError(): Error | undefined {
    return this.fatal;
  }

  private escalate(): void {
    if (this.stuck) this.reportFatal(new PipelineStuckError(this.stuck, this.settings.fatalAfterMs));
  }
}
