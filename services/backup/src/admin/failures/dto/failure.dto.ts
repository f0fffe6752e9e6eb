import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../http/dto/page-query.dto';
import { ProblemDetailsDto } from '../../http/dto/problem-details.dto';

export const FAILURE_STATUSES = ['open', 'replayed', 'resolved'] as const;

export class FailuresQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: FAILURE_STATUSES })
  @IsOptional()
  @IsIn(FAILURE_STATUSES)
  status?: (typeof FAILURE_STATUSES)[number];
}

export class ReplayQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'Replay again even if it was already replayed.',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  force?: 'true' | 'false';
}

export class RecordPositionDto {
  @ApiProperty({ example: 'account-updated' })
  topic!: string;

  @ApiProperty({ type: Number, nullable: true, example: 3 })
  partition!: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '1042',
    description: 'Kafka offset (64-bit, as a string).',
  })
  offset!: string | null;
}

export class FailureErrorDto {
  @ApiProperty({ example: 'invalid-property' })
  class!: string;

  @ApiProperty({ example: 'PASWS164E' })
  code!: string;

  @ApiProperty({ description: 'Sanitised; never contains a secret.' })
  message!: string;
}

export class FailureDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, nullable: true })
  accountId!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Account version of the event (64-bit, as a string).',
  })
  version!: string | null;

  @ApiProperty({ type: String, nullable: true })
  eventId!: string | null;

  @ApiProperty({ type: () => RecordPositionDto, description: 'Where the original event was consumed.' })
  source!: RecordPositionDto;

  @ApiProperty({ type: () => FailureErrorDto })
  error!: FailureErrorDto;

  @ApiProperty()
  attempts!: number;

  @ApiProperty({ type: () => RecordPositionDto, description: 'The dead-letter copy.' })
  deadLetter!: RecordPositionDto;

  @ApiProperty({ enum: FAILURE_STATUSES })
  status!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({
    format: 'date-time',
    description:
      'When its backup first failed: earlier than createdAt for a parked backup that used up its retry budget.',
  })
  firstFailedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  replayedAt!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Subject of who replayed it.' })
  replayedBy!: string | null;
}

export class FailurePageDto {
  @ApiProperty({ type: () => [FailureDto], description: 'Newest first.' })
  items!: FailureDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export class ReplayResultDto {
  @ApiProperty({
    description: 'False when it had already been replayed and `force` was not set (nothing was sent).',
  })
  replayed!: boolean;

  @ApiProperty({ type: () => FailureDto })
  failure!: FailureDto;

  @ApiPropertyOptional({
    type: () => RecordPositionDto,
    description: 'Where the replayed record was written.',
  })
  deliveredTo?: RecordPositionDto;
}

export const NOT_REPLAYED_REASONS = ['record-too-large'] as const;

export class NotReplayedDto {
  @ApiProperty({ format: 'uuid' })
  failureId!: string;

  @ApiProperty({
    enum: NOT_REPLAYED_REASONS,
    description: "`record-too-large`: the record is larger than its topic's `max.message.bytes`.",
  })
  reason!: (typeof NOT_REPLAYED_REASONS)[number];

  @ApiProperty({ example: 'account-updated', description: 'The topic it would be replayed into.' })
  topic!: string;

  @ApiProperty({ example: 1_572_961, description: 'Size of the replayed record on the wire, in bytes.' })
  recordBytes!: number;

  @ApiProperty({ example: 1_048_588, description: "The topic's `max.message.bytes`." })
  limitBytes!: number;
}

export class BulkReplayResultDto {
  @ApiProperty({ description: 'Failures re-produced by this request.' })
  replayed!: number;

  @ApiProperty({
    type: [String],
    description: 'Failures whose sealed record can no longer be opened; they stay open.',
  })
  unreadable!: string[];

  @ApiProperty({
    type: () => [NotReplayedDto],
    description: 'Failures that cannot be replayed as they are, with the reason; they stay open.',
  })
  notReplayed!: NotReplayedDto[];

  @ApiProperty({ description: 'Open failures left (more than one request may be needed for very many).' })
  remainingOpen!: number;
}

/** 422 `replay-record-too-large` of a single replay: the usual problem details plus the sizes. */
export class ReplayRecordTooLargeProblemDto extends ProblemDetailsDto {
  @ApiProperty({ format: 'uuid' })
  failureId!: string;

  @ApiProperty({ example: 'account-updated' })
  topic!: string;

  @ApiProperty({ example: 1_572_961 })
  recordBytes!: number;

  @ApiProperty({ example: 1_048_588 })
  limitBytes!: number;
}

export const REPLAY_RECORD_TOO_LARGE_EXAMPLE = {
  type: 'urn:vault-backup:problem:replay-record-too-large',
  title: 'Record too large to replay',
  status: 422,
  detail:
    'failure 5b6d0c1e-2f0a-4d38-9a51-0c6e3f1b7a42 cannot be replayed: its record takes 1572961 bytes and topic account-updated accepts at most 1048588 (max.message.bytes); it stays open',
  instance: '/api/v1/workspaces/ws-4f2a/vault-backup/failures/5b6d0c1e-2f0a-4d38-9a51-0c6e3f1b7a42/replay',
  code: 'REPLAY_RECORD_TOO_LARGE',
  requestId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  failureId: '5b6d0c1e-2f0a-4d38-9a51-0c6e3f1b7a42',
  topic: 'account-updated',
  recordBytes: 1_572_961,
  limitBytes: 1_048_588,
} as const;
