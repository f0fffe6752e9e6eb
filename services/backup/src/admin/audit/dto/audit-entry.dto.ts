import { ApiProperty } from '@nestjs/swagger';
import { AUDIT_ACTIONS } from '@vault-backup/persistence';
import { ROLES } from '../../auth/principal';

export class AuditActorDto {
  @ApiProperty({ description: 'The token subject (user id).', example: 'user-42' })
  sub!: string;

  @ApiProperty({
    enum: [...ROLES, 'system'],
    description: "The caller's role, or `system` for what the service did itself (a replay job finishing).",
  })
  role!: string;
}

export class AuditEntryDto {
  @ApiProperty({ example: '1042' })
  id!: string;

  @ApiProperty({ enum: AUDIT_ACTIONS })
  action!: string;

  @ApiProperty({ type: () => AuditActorDto })
  actor!: AuditActorDto;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Field names, classes and outcomes; never a secret value.',
    example: { changedFields: ['clientSecret'] },
  })
  details!: Record<string, unknown>;

  @ApiProperty({ type: String, nullable: true })
  requestId!: string | null;

  @ApiProperty({ format: 'date-time' })
  occurredAt!: string;
}

export class AuditPageDto {
  @ApiProperty({ type: () => [AuditEntryDto], description: 'Newest first.' })
  items!: AuditEntryDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last one.',
  })
  nextCursor!: string | null;
}
