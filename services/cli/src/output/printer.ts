import { type CliRuntime } from '../cli/cli-runtime';

/** Results go to stdout (pipeable), notes and progress to stderr (so `--json | jq` stays clean). */
export class Printer {
  constructor(private readonly runtime: Pick<CliRuntime, 'stdout' | 'stderr'>) {}

  line(text = ''): void {
    this.runtime.stdout.write(`${text}\n`);
  }

  json(value: unknown): void {
    this.runtime.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  note(text: string): void {
    this.runtime.stderr.write(`${text}\n`);
  }
}
