import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../http/dto/page-query.dto';
import { CountersDto } from '../../setup/dto/vault-backup.dto';

export const BACKUP_STATUSES = ['draft', 'connected', 'validated', 'enabled', 'disabled'] as const;

export class VaultBackupsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: BACKUP_STATUSES })
  @IsOptional()
  @IsIn(BACKUP_STATUSES)
  status?: (typeof BACKUP_STATUSES)[number];
}

/** What an operator sees of a workspace's backup: status and health, no tenant settings. */
export class VaultBackupSummaryDto {
  @ApiProperty()
  workspaceId!: string;

  @ApiProperty({ enum: BACKUP_STATUSES })
  status!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  validatedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  enabledAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  @ApiProperty({ type: () => CountersDto })
  counters!: CountersDto;
}

export class VaultBackupSummaryPageDto {
  @ApiProperty({ type: () => [VaultBackupSummaryDto], description: 'Ordered by workspace id.' })
  items!: VaultBackupSummaryDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
