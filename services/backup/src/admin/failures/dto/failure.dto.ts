import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../http/dto/page-query.dto';

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

export class BulkReplayResultDto {
  @ApiProperty({ description: 'Failures re-produced by this request.' })
  replayed!: number;

  @ApiProperty({
    type: [String],
    description: 'Failures whose sealed record can no longer be opened; they stay open.',
  })
  unreadable!: string[];

  @ApiProperty({ description: 'Open failures left (more than one request may be needed for very many).' })
  remainingOpen!: number;
}
