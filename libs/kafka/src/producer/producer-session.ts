import { type Producer } from 'kafkajs';

/**
 * One kafkajs producer and the sends using it. Once a send on it failed it is retired: it takes no
 * new sends, and `drained` resolves when the ones already running have settled.
 */
export class ProducerSession {
  readonly ready: Promise<void>;
  readonly drained: Promise<void>;
  private inFlight = 0;
  private retiredFlag = false;
  private resolveDrained: () => void = () => undefined;

  /** Connects once every session in `predecessors` has drained, so no send overtakes an older one. */
  constructor(
    readonly producer: Producer,
    predecessors: readonly ProducerSession[],
  ) {
    this.drained = new Promise((resolve) => {
      this.resolveDrained = resolve;
    });
    this.ready = Promise.all(predecessors.map((session) => session.drained)).then(() => producer.connect());
    // Observed by whoever awaits `ready`; never an unhandled rejection on its own.
    this.ready.catch(() => undefined);
  }

  get retired(): boolean {
    return this.retiredFlag;
  }

  acquire(): void {
    this.inFlight += 1;
  }

  release(): void {
    this.inFlight -= 1;
    this.resolveIfDrained();
  }

  retire(): void {
    this.retiredFlag = true;
    this.resolveIfDrained();
  }

  /** Disconnects after the running sends settled; a failed disconnect of a spent producer changes nothing. */
  async close(): Promise<void> {
    this.retire();
    await this.drained;
    await this.ready.catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
  }

  private resolveIfDrained(): void {
    if (this.retiredFlag && this.inFlight === 0) this.resolveDrained();
  }
}
