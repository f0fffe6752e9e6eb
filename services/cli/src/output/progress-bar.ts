import { type OutputStream } from '../cli/cli-runtime';

export interface ProgressSnapshot {
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly toDo: number;
  /** Extra facts shown after the counts, e.g. `in flight 17`. */
  readonly suffix?: string;
}

const WIDTH = 30;

/**
 * A one-line progress bar (about twenty lines of code did not justify a dependency). On a terminal
 * it redraws in place; in a log or a pipe it prints a line only when the text changes.
 */
export class ProgressBar {
  private last = '';

  constructor(private readonly stream: OutputStream) {}

  update(snapshot: ProgressSnapshot): void {
    const text = render(snapshot);
    if (text === this.last) return;
    this.last = text;
    this.stream.write(this.stream.isTTY ? `\r\x1b[2K${text}` : `${text}\n`);
  }

  /** Ends the in-place line so what follows starts on its own line. */
  stop(): void {
    if (this.stream.isTTY && this.last !== '') this.stream.write('\n');
  }
}

export function render(snapshot: ProgressSnapshot): string {
  const handled = snapshot.done + snapshot.failed;
  const ratio = snapshot.total === 0 ? 1 : Math.min(1, handled / snapshot.total);
  const filled = Math.round(ratio * WIDTH);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}`;
  const counts = `${handled}/${snapshot.total} done ${snapshot.done} failed ${snapshot.failed} to do ${snapshot.toDo}`;
  const suffix = snapshot.suffix === undefined ? '' : ` ${snapshot.suffix}`;
  return `[${bar}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${counts}${suffix}`;
}
