import { type OutgoingRecord, recordBatchBytes, type TopicLimitReader } from '@vault-backup/kafka';
import { UnprocessableError } from '../http/admin.errors';
import { type NotReplayedDto } from './dto/failure.dto';

/** A replayed record's size on the wire and what its topic accepts (`max.message.bytes`). */
export type ReplaySize = Omit<NotReplayedDto, 'reason'>;

export async function measureReplay(
  limits: TopicLimitReader,
  failureId: string,
  topic: string,
  record: OutgoingRecord,
): Promise<ReplaySize> {
  return {
    failureId,
    topic,
    recordBytes: recordBatchBytes([record]),
    limitBytes: await limits.maxMessageBytes(topic),
  };
}

export function isTooLarge(size: ReplaySize): boolean {
  return size.recordBytes > size.limitBytes;
}

/** 422 `replay-record-too-large`: the failure stays open; only a larger topic limit would let it through. */
export function replayRecordTooLarge(size: ReplaySize): UnprocessableError {
  const { failureId, topic, recordBytes, limitBytes } = size;
  return new UnprocessableError(
    'REPLAY_RECORD_TOO_LARGE',
    'replay-record-too-large',
    'Record too large to replay',
    `failure ${failureId} cannot be replayed: its record takes ${recordBytes} bytes and topic ${topic} accepts at most ${limitBytes} (max.message.bytes); it stays open`,
    { failureId, topic, recordBytes, limitBytes },
  );
}
