import { Injectable } from '@nestjs/common';

/**
 * Carries a fatal consumer failure to whoever owns the process (main.ts exits non-zero), so a
 * consumer that is gone for good never leaves a healthy-looking process behind.
 */
@Injectable()
export class ConsumerSupervisor {
  private readonly listeners: ((error: Error) => void)[] = [];
  private fatal: Error | undefined;

  onFatal(listener: (error: Error) => void): void {
    this.listeners.push(listener);
    if (this.fatal) listener(this.fatal);
  }

  reportFatal(error: Error): void {
    if (this.fatal) return;
    this.fatal = error;
    for (const listener of this.listeners) listener(error);
  }
}
