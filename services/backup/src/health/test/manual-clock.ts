import { type EscalationTimer } from '../../pipeline/consumer.supervisor';

/** A clock and timer that move only when the test says so. */
export class ManualClock implements EscalationTimer {
  private timers: { due: number; callback: () => void }[] = [];

  constructor(private current: number) {}

  readonly now = (): number => this.current;

  start(callback: () => void, ms: number): () => void {
    const timer = { due: this.current + ms, callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((pending) => pending !== timer);
    };
  }

  advance(ms: number): void {
    this.current += ms;
    const due = this.timers.filter((timer) => timer.due <= this.current);
    this.timers = this.timers.filter((timer) => timer.due > this.current);
    for (const timer of due) timer.callback();
  }
}
