import { type CustomTransportStrategy, Server } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { type BatchConsumerPort, type BatchControl, type RecordBatch } from '@vault-backup/kafka';

/** The event pattern under which the batch handler is registered (`@EventPattern`). */
export const ACCOUNT_EVENT_BATCH = 'vault-backup.account-event-batch';

/** The payload a batch handler receives: the batch and what it may do with the partition. */
export interface BatchWork {
  readonly batch: RecordBatch;
  readonly control: BatchControl;
}

/**
 * A Nest microservice transport over kafkajs batches. Nest's built-in Kafka server hands messages
 * over one at a time, cannot drain on shutdown and retries by crashing the consumer; this one gives
 * the handler whole batches with explicit commit control and stops gracefully.
 */
export class KafkaBatchTransport extends Server implements CustomTransportStrategy {
  constructor(private readonly consumer: BatchConsumerPort) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    const handler = this.getHandlerByPattern(ACCOUNT_EVENT_BATCH);
    if (!handler) {
      callback(new Error(`no @EventPattern('${ACCOUNT_EVENT_BATCH}') handler is registered`));
      return;
    }
    this.consumer
      .start(async (batch, control) => {
        const work: BatchWork = { batch, control };
        await lastValueFrom(this.transformToObservable(await handler(work)), { defaultValue: undefined });
      })
      .then(() => callback())
      .catch((error: unknown) => callback(error));
  }

  async close(): Promise<void> {
    await this.consumer.stop();
  }

  on(): void {
    // Consumer state is published through BatchConsumerPort.onStateChange, not transport events.
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }
}
