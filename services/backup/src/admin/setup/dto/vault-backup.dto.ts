import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHECK_NAMES, CONNECTION_FAILURE_CLASSES } from '../../cyberark-probe/check-report';

const STATUSES = ['draft', 'connected', 'validated', 'enabled', 'disabled'];

export class ConnectionViewDto {
  @ApiProperty({ example: 'https://abc1234.id.cyberark.cloud' })
  identityTenantUrl!: string;

  @ApiProperty({ example: 'https://acme.privilegecloud.cyberark.cloud' })
  privilegeCloudUrl!: string;

  @ApiProperty({ example: 'vault-backup@cyberark.cloud.1312' })
  clientId!: string;

  @ApiProperty({ description: 'A client secret is stored (it is never returned).', example: true })
  clientSecretSet!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Last successful connect.' })
  connectedAt!: string | null;
}

export class TargetsViewDto {
  @ApiProperty({ example: 'VaultBackup' })
  safeName!: string;

  @ApiProperty({ example: 'VaultBackupPlatform' })
  platformId!: string;
}

export class OptionsViewDto {
  @ApiProperty()
  allowPlaintextSecrets!: boolean;

  @ApiProperty()
  metadataOnly!: boolean;

  @ApiProperty({ example: 86_400 })
  retryBudgetSeconds!: number;
}

export class CheckResultDto {
  @ApiProperty({ enum: CHECK_NAMES })
  name!: string;

  @ApiProperty({ enum: ['passed', 'failed', 'skipped'] })
  status!: string;

  @ApiProperty({
    example: 'The service user lacks these permissions on Safe "VaultBackup": addAccounts (Add accounts).',
  })
  message!: string;

  @ApiPropertyOptional({
    enum: CONNECTION_FAILURE_CLASSES,
    description: 'Set when CyberArk itself could not be used.',
  })
  failureClass?: string;

  @ApiPropertyOptional({ type: [String], description: 'Each missing permission or property, by name.' })
  missing?: string[];

  @ApiPropertyOptional({
    type: [String],
    description: 'Properties defined as required that must be optional.',
  })
  mustBeOptional?: string[];
}

export class CheckReportDto {
  @ApiProperty({ enum: ['passed', 'failed'] })
  outcome!: string;

  @ApiProperty({
    enum: ['connection', 'targets'],
    description: 'A connect checks the token only; a validation checks everything.',
  })
  scope!: string;

  @ApiProperty({ format: 'date-time' })
  checkedAt!: string;

  @ApiProperty({ type: () => [CheckResultDto] })
  checks!: CheckResultDto[];

  @ApiProperty({ type: [String], example: ['addAccounts'] })
  missingPermissions!: string[];

  @ApiProperty({ type: [String], example: ['totpSecret', 'backupCodes'] })
  missingProperties!: string[];
}

export class CountersDto {
  @ApiProperty({ description: 'Records that could not be backed up and await a replay.' })
  openFailures!: number;

  @ApiProperty({ description: 'Events seen while the backup was not enabled.' })
  skippedEvents!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastSkippedAt!: string | null;
}

export class VaultBackupDto {
  @ApiProperty({ example: 'ws-4f2a' })
  workspaceId!: string;

  @ApiProperty({ enum: STATUSES, description: 'draft → connected → validated → enabled ⇄ disabled' })
  status!: string;

  @ApiProperty({ type: () => ConnectionViewDto, nullable: true })
  connection!: ConnectionViewDto | null;

  @ApiProperty({ type: () => TargetsViewDto, nullable: true })
  targets!: TargetsViewDto | null;

  @ApiProperty({ type: () => OptionsViewDto })
  options!: OptionsViewDto;

  @ApiProperty({ type: () => CheckReportDto, nullable: true, description: 'The last connect or validation.' })
  lastCheck!: CheckReportDto | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  validatedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  enabledAt!: string | null;

  @ApiProperty({ type: () => CountersDto })
  counters!: CountersDto;

  @ApiProperty({ description: 'Increases with every change.' })
  revision!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}
