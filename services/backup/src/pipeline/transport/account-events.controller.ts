import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { BatchProcessor } from '../batch/batch.processor';
import { ACCOUNT_EVENT_BATCH, type BatchWork } from './kafka-batch.transport';

/** Thin entry point: every decision lives in the BatchProcessor. */
@Controller()
export class AccountEventsController {
  constructor(private readonly processor: BatchProcessor) {}

  @EventPattern(ACCOUNT_EVENT_BATCH)
  async handle(@Payload() work: BatchWork): Promise<void> {
    await this.processor.process(work.batch, work.control);
  }
}
