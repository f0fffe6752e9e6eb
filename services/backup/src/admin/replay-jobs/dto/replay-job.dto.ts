import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { ERROR_CLASSES } from '../../../pipeline/domain/backup-failure';
import { ACCOUNT_ID_PATTERN, ERROR_CODE_PATTERN } from '../../failures/dto/problem.dto';
import { WORKSPACE_ID_PATTERN } from '../../auth/principal';
import { OptionalNotNull } from '../../http/dto/optional-not-null.decorator';
import { PageQueryDto } from '../../http/dto/page-query.dto';
import { WorkspaceParamsDto } from '../../http/dto/route-params.dto';
import { REPLAY_ITEM_STATES, REPLAY_JOB_STATUSES, REPLAY_OUTCOMES } from '../replay-job';

export const MAX_FAILURE_IDS = 1_000;
/** Kafka offsets are 64-bit: kept as decimal strings. */
const OFFSET_PATTERN = /^\d{1,19}$/;

export class FailureFilterDto {
  @ApiPropertyOptional({ enum: ERROR_CLASSES, example: 'invalid-property' })
  @OptionalNotNull()
  @IsIn(ERROR_CLASSES)
  errorClass?: (typeof ERROR_CLASSES)[number];

  @ApiPropertyOptional({ example: 'PASWS164E', pattern: ERROR_CODE_PATTERN.source })
  @OptionalNotNull()
  @Matches(ERROR_CODE_PATTERN, { message: 'must be 1-64 letters, digits or underscores' })
  code?: string;

  @ApiPropertyOptional({ example: 'acc-42', pattern: ACCOUNT_ID_PATTERN.source })
  @OptionalNotNull()
  @Matches(ACCOUNT_ID_PATTERN, { message: 'must be 1-64 letters, digits, underscores or hyphens' })
  accountId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Last failure at or after (RFC 3339).' })
  @OptionalNotNull()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'must be an RFC 3339 date-time' })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Last failure at or before (RFC 3339).' })
  @OptionalNotNull()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'must be an RFC 3339 date-time' })
  to?: string;
}

export class FailureSelectionDto {
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    minItems: 1,
    maxItems: MAX_FAILURE_IDS,
    description: 'Failure ids of this workspace. Each is replaced by its account’s newest open failure.',
  })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_FAILURE_IDS)
  @IsUUID('all', { each: true, message: 'must be failure ids (UUIDs)' })
  failureIds?: string[];

  @ApiPropertyOptional({
    type: () => FailureFilterDto,
    description: 'Every open failure matching all given fields; `{}` = every open failure.',
  })
  @OptionalNotNull()
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => FailureFilterDto)
  filter?: FailureFilterDto;
}

export class CreateReplayJobDto {
  @ApiProperty({
    type: () => FailureSelectionDto,
    description: 'Exactly one of `failureIds` and `filter`.',
    example: { filter: { errorClass: 'invalid-property' } },
  })
  @IsDefined({ message: 'is required' })
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => FailureSelectionDto)
  selection!: FailureSelectionDto;

  @ApiPropertyOptional({
    default: false,
    description: 'Plan only: say what would be replayed, write and produce nothing.',
  })
  @OptionalNotNull()
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({
    minimum: 1,
    description: 'Records handled per second (at most REPLAY_JOB_MAX_RATE; default REPLAY_JOB_DEFAULT_RATE).',
    example: 20,
  })
  @OptionalNotNull()
  @IsInt({ message: 'must be an integer' })
  @Min(1)
  @Max(10_000)
  ratePerSecond?: number;
}

export class DeadLetterRangeDto {
  @ApiProperty({ minimum: 0, example: 0, description: 'Partition of the dead-letter topic.' })
  @IsInt({ message: 'must be an integer' })
  @Min(0)
  @Max(100_000)
  partition!: number;

  @ApiProperty({ example: '0', pattern: OFFSET_PATTERN.source, description: 'First offset (inclusive).' })
  @Matches(OFFSET_PATTERN, { message: 'must be a Kafka offset (decimal digits)' })
  fromOffset!: string;

  @ApiProperty({ example: '5000', pattern: OFFSET_PATTERN.source, description: 'Last offset (inclusive).' })
  @Matches(OFFSET_PATTERN, { message: 'must be a Kafka offset (decimal digits)' })
  toOffset!: string;

  @ApiPropertyOptional({
    example: 'ws-1',
    pattern: WORKSPACE_ID_PATTERN.source,
    description: 'Only dead letters of this workspace.',
  })
  @OptionalNotNull()
  @Matches(WORKSPACE_ID_PATTERN, { message: 'must be 1-64 letters, digits, dots, underscores or hyphens' })
  workspaceId?: string;

  @ApiPropertyOptional({ description: 'Only dead letters that name no workspace.' })
  @OptionalNotNull()
  @IsBoolean()
  unattributed?: boolean;
}

export class CreateDeadLetterReplayJobDto {
  @ApiProperty({ type: () => DeadLetterRangeDto })
  @IsDefined({ message: 'is required' })
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => DeadLetterRangeDto)
  selection!: DeadLetterRangeDto;

  @ApiPropertyOptional({ default: false, description: 'Plan only: nothing is produced.' })
  @OptionalNotNull()
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({ minimum: 1, example: 20 })
  @OptionalNotNull()
  @IsInt({ message: 'must be an integer' })
  @Min(1)
  @Max(10_000)
  ratePerSecond?: number;
}

export class PlannedItemDto {
  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  failureId!: string | null;

  @ApiProperty({ type: String, nullable: true })
  workspaceId!: string | null;

  @ApiProperty({ type: String, nullable: true })
  accountId!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Account version (64-bit, as a string).' })
  version!: string | null;

  @ApiProperty({ type: String, nullable: true })
  errorClass!: string | null;

  @ApiProperty({ type: String, nullable: true })
  code!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'dlq:vault-backup.dlq/0/17' })
  source!: string | null;

  @ApiProperty({ enum: ['replay', 'skip'] })
  action!: 'replay' | 'skip';

  @ApiProperty({
    type: String,
    nullable: true,
    enum: [
      'superseded',
      'already-replayed',
      'record-too-large',
      'record-unreadable',
      'produce-rejected',
      'original-omitted',
    ],
  })
  reason!: string | null;
}

export class PlanSkipsDto {
  @ApiProperty({ description: 'The safe or a parked retry already holds this version or newer.' })
  superseded!: number;

  @ApiProperty()
  alreadyReplayed!: number;

  @ApiProperty({ description: "Larger than its topic's max.message.bytes: cannot be produced." })
  recordTooLarge!: number;

  @ApiProperty({ description: 'Its key is gone: cannot be opened.' })
  unreadable!: number;

  @ApiProperty({ description: 'A dead letter whose original was left out (its failure record holds it).' })
  originalOmitted!: number;
}

export class ReplayPlanDto {
  @ApiProperty({ enum: [true] })
  dryRun!: true;

  @ApiProperty({ example: 998, description: 'Records that would be produced.' })
  toReplay!: number;

  @ApiProperty({ type: () => PlanSkipsDto })
  toSkip!: PlanSkipsDto;

  @ApiProperty({ type: () => [PlannedItemDto], description: 'The first 100 items.' })
  items!: PlannedItemDto[];

  @ApiProperty({ description: 'More items than listed.' })
  truncated!: boolean;
}

export class JobActorDto {
  @ApiProperty({ example: 'alice' })
  sub!: string;

  @ApiProperty({ example: 'admin' })
  role!: string;
}

export class ReplayProgressDto {
  @ApiProperty() total!: number;
  @ApiProperty({ description: '`replayed` + `skipped`.' }) done!: number;
  @ApiProperty() toDo!: number;
  @ApiProperty({ description: 'Could not be produced (too large, unreadable).' }) failed!: number;
  @ApiProperty() replayed!: number;
  @ApiProperty({ description: 'Nothing to write (superseded, already replayed).' }) skipped!: number;
}

export class ReplayOutcomeDto {
  @ApiProperty({ description: 'The safe holds that version or newer.' }) applied!: number;
  @ApiProperty({ description: 'The replayed record failed again.' }) failedAgain!: number;
  @ApiProperty({ description: 'Waiting for an automatic retry.' }) parked!: number;
  @ApiProperty({ description: 'Produced, not processed yet.' }) inFlight!: number;
  @ApiProperty({
    description:
      'Processed without a write, a failure or a parked retry: the backup was off when it arrived (the event was only counted as skipped). Replay again once it is enabled.',
  })
  notWritten!: number;
}

export class ReplayJobDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['failures', 'dead-letter'] }) kind!: 'failures' | 'dead-letter';
  @ApiProperty({ type: String, nullable: true }) workspaceId!: string | null;
  @ApiProperty({ enum: REPLAY_JOB_STATUSES }) status!: (typeof REPLAY_JOB_STATUSES)[number];
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'As requested: `failureIds`, `filter` or `deadLetters`.',
  })
  selection!: Record<string, unknown>;
  @ApiProperty() ratePerSecond!: number;
  @ApiProperty({ type: () => JobActorDto }) createdBy!: JobActorDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) finishedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) cancelledAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) cancelledBy!: string | null;
  @ApiProperty({ type: () => ReplayProgressDto }) progress!: ReplayProgressDto;
  @ApiProperty({ type: () => ReplayOutcomeDto }) outcome!: ReplayOutcomeDto;
  @ApiProperty({ description: '`completed` or `cancelled`, and nothing in flight: the report is final.' })
  settled!: boolean;
}

export class ReplayJobPageDto {
  @ApiProperty({ type: () => [ReplayJobDto] }) items!: ReplayJobDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class DeliveredToDto {
  @ApiProperty() topic!: string;
  @ApiProperty() partition!: number;
  @ApiProperty({ example: '1234' }) offset!: string;
}

export class ReplayItemDto {
  @ApiProperty() seq!: number;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) failureId!: string | null;
  @ApiProperty({ type: String, nullable: true }) workspaceId!: string | null;
  @ApiProperty({ type: String, nullable: true }) accountId!: string | null;
  @ApiProperty({ type: String, nullable: true }) version!: string | null;
  @ApiProperty({ type: String, nullable: true }) errorClass!: string | null;
  @ApiProperty({ type: String, nullable: true }) errorCode!: string | null;
  @ApiProperty({ type: String, nullable: true }) source!: string | null;
  @ApiProperty({ enum: REPLAY_ITEM_STATES }) state!: (typeof REPLAY_ITEM_STATES)[number];
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ type: String, nullable: true, enum: REPLAY_OUTCOMES }) outcome!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The new failure’s code when it failed again.' })
  outcomeCode!: string | null;
  @ApiProperty({ type: () => DeliveredToDto, nullable: true }) deliveredTo!: DeliveredToDto | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) handledAt!: string | null;
}

export class ReplayItemPageDto {
  @ApiProperty({ type: () => [ReplayItemDto] }) items!: ReplayItemDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ReplayJobsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: REPLAY_JOB_STATUSES })
  @IsOptional()
  @IsIn(REPLAY_JOB_STATUSES)
  status?: (typeof REPLAY_JOB_STATUSES)[number];
}

export class ReplayItemsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: REPLAY_ITEM_STATES })
  @IsOptional()
  @IsIn(REPLAY_ITEM_STATES)
  state?: (typeof REPLAY_ITEM_STATES)[number];

  @ApiPropertyOptional({ enum: REPLAY_OUTCOMES })
  @IsOptional()
  @IsIn(REPLAY_OUTCOMES)
  outcome?: (typeof REPLAY_OUTCOMES)[number];
}

export class ReplayJobParamsDto extends WorkspaceParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a UUID' })
  jobId!: string;
}

export class JobParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a UUID' })
  jobId!: string;
}
