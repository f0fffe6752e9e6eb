/**
 * Injected delays must not keep a stopped simulator (or a finished test) alive, so every timer is
 * tracked and cancelled on stop. A cancelled wait never resolves: its request is abandoned.
 */
export class TimerRegistry {
  private readonly timers = new Set<NodeJS.Timeout>();

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  cancelAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
