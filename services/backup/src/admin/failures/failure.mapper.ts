import { type BackupFailure } from './backup-failure';
import { type FailureDto } from './dto/failure.dto';

/** Whitelist: the sealed record never leaves the service. */
export function toFailureDto(failure: BackupFailure): FailureDto {
  return {
    id: failure.id,
    accountId: failure.accountId,
    version: failure.version,
    eventId: failure.eventId,
    source: {
      topic: failure.source.topic,
      partition: failure.source.partition,
      offset: failure.source.offset,
    },
    error: { class: failure.error.class, code: failure.error.code, message: failure.error.message },
    attempts: failure.attempts,
    deadLetter: {
      topic: failure.deadLetter.topic,
      partition: failure.deadLetter.partition,
      offset: failure.deadLetter.offset,
    },
    status: failure.status,
    createdAt: failure.createdAt.toISOString(),
    firstFailedAt: failure.firstFailedAt.toISOString(),
    replayedAt: failure.replayedAt === null ? null : failure.replayedAt.toISOString(),
    replayedBy: failure.replayedBy,
  };
}
