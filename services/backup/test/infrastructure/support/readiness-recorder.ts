export interface ReadinessSample {
  readonly atMs: number;
  /** HTTP status, or 0 when /health/ready gave no answer within the probe timeout. */
  readonly status: number;
  /** How long the answer (or the wait for it) took. */
  readonly tookMs: number;
  readonly body: string;
}

/** Polls a service's /health/ready in the background and keeps every answer, for a timeline. */
export class ReadinessRecorder {
  readonly samples: ReadinessSample[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly port: number,
    private readonly intervalMs = 250,
    private readonly timeoutMs = 5_000,
  ) {
    this.loop = this.poll();
  }

  latest(): ReadinessSample | undefined {
    return this.samples.at(-1);
  }

  /** Samples asked at or after `sinceMs` (and answered by `untilMs`). */
  between(sinceMs: number, untilMs = Number.POSITIVE_INFINITY): ReadinessSample[] {
    return this.samples.filter((sample) => sample.atMs >= sinceMs && sample.atMs + sample.tookMs <= untilMs);
  }

  firstSince(sinceMs: number, matches: (sample: ReadinessSample) => boolean): ReadinessSample | undefined {
    return this.between(sinceMs).find(matches);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async poll(): Promise<void> {
    while (this.running) {
      const atMs = Date.now();
      let sample: ReadinessSample;
      try {
        const response = await fetch(`http://127.0.0.1:${this.port}/health/ready`, {
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        const body = await response.text();
        sample = { atMs, status: response.status, tookMs: Date.now() - atMs, body };
      } catch (error) {
        sample = {
          atMs,
          status: 0,
          tookMs: Date.now() - atMs,
          body: error instanceof Error ? error.message : String(error),
        };
      }
      this.samples.push(sample);
      await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
    }
  }
}
