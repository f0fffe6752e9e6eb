import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, Matches } from 'class-validator';
import { ERROR_CLASSES } from '../../../pipeline/domain/backup-failure';
import { PageQueryDto } from '../../http/dto/page-query.dto';
import { PROBLEM_KINDS } from '../problem-catalogue';

/** The event contract's identifier. */
export const ACCOUNT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const ERROR_CODE_PATTERN = /^[A-Za-z0-9_]{1,64}$/;

/** The filters of the problems lists (per workspace and for operators), all optional and ANDed. */
export class ProblemsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: PROBLEM_KINDS,
    description: '`failed` (replay it) or `parked` (retried automatically).',
  })
  @IsOptional()
  @IsIn(PROBLEM_KINDS)
  kind?: (typeof PROBLEM_KINDS)[number];

  @ApiPropertyOptional({ enum: ERROR_CLASSES, example: 'invalid-property' })
  @IsOptional()
  @IsIn(ERROR_CLASSES)
  errorClass?: (typeof ERROR_CLASSES)[number];

  @ApiPropertyOptional({
    example: 'PASWS041E',
    pattern: ERROR_CODE_PATTERN.source,
    description: 'The CyberArk code when there is one, else the service code.',
  })
  @IsOptional()
  @Matches(ERROR_CODE_PATTERN, { message: 'must be 1-64 letters, digits or underscores' })
  code?: string;

  @ApiPropertyOptional({ example: 'acc-42', pattern: ACCOUNT_ID_PATTERN.source })
  @IsOptional()
  @Matches(ACCOUNT_ID_PATTERN, {
    message: 'must be 1-64 letters, digits, underscores or hyphens',
  })
  accountId?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Only problems whose last failure is at or after this time (RFC 3339).',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'must be an RFC 3339 date-time' })
  from?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Only problems whose last failure is at or before this time (RFC 3339).',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'must be an RFC 3339 date-time' })
  to?: string;
}

export class ProblemErrorDto {
  @ApiProperty({ enum: ERROR_CLASSES, example: 'invalid-property' })
  class!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'PASWS167E',
    description: 'The CyberArk code when there is one (e.g. PASWS041E), else the service code.',
  })
  code!: string | null;

  @ApiProperty({ description: 'The cause as recorded: sanitised, never a secret.' })
  message!: string;
}

export class ProblemDto {
  @ApiProperty({
    enum: PROBLEM_KINDS,
    description: '`failed`: replay it once fixed. `parked`: retried automatically.',
  })
  kind!: string;

  @ApiProperty({ type: String, nullable: true, example: 'acc-42' })
  accountId!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The account version not in the safe (64-bit, as a string).',
  })
  version!: string | null;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Failed only: the failure to replay (POST …/failures/{failureId}/replay).',
  })
  failureId!: string | null;

  @ApiProperty({ type: () => ProblemErrorDto })
  error!: ProblemErrorDto;

  @ApiProperty({
    description: 'What to do about it.',
    example: 'platform VaultBackupPlatform has no optional property totpSecret — add it, then replay',
  })
  action!: string;

  @ApiProperty()
  attempts!: number;

  @ApiProperty({
    format: 'date-time',
    description: 'Parked: its first failure. Failed: when the failure was recorded.',
  })
  firstFailedAt!: string;

  @ApiProperty({
    format: 'date-time',
    description: 'Parked: its last attempt. Failed: when the failure was recorded.',
  })
  lastFailedAt!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Parked only: the next automatic retry. Null for failed.',
  })
  nextAttemptAt!: string | null;
}

export class ClassCountDto {
  @ApiProperty({ example: 'permission' })
  errorClass!: string;

  @ApiProperty()
  failed!: number;

  @ApiProperty()
  parked!: number;

  @ApiProperty()
  total!: number;
}

export class ProblemCountsDto {
  @ApiProperty({ description: 'Every problem matching the filters (not only this page).' })
  total!: number;

  @ApiProperty()
  failed!: number;

  @ApiProperty()
  parked!: number;

  @ApiProperty({ type: () => [ClassCountDto], description: 'By error class; they add up to the totals.' })
  byClass!: ClassCountDto[];
}

export class ProblemPageDto {
  @ApiProperty({
    type: () => [ProblemDto],
    description: 'First failed latest first; an item keeps its place when it fails again.',
  })
  items!: ProblemDto[];

  @ApiProperty({ type: () => ProblemCountsDto })
  counts!: ProblemCountsDto;

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
