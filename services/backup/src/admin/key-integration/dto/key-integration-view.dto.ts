import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { KEY_CHECK_NAMES } from '../key-integration';

export class KeyCheckDto {
  @ApiProperty({ enum: KEY_CHECK_NAMES })
  name!: string;

  @ApiProperty({ enum: ['passed', 'failed', 'skipped'] })
  status!: string;

  @ApiPropertyOptional({ example: 'forbidden', description: 'Stable slug of what is wrong, when failed.' })
  problem?: string;

  @ApiProperty({ example: 'The service principal may not use keys of this vault (403 ForbiddenByRbac).' })
  message!: string;

  @ApiPropertyOptional({
    example:
      'Assign the service principal the role "Key Vault Crypto Service Encryption User" on the vault or the key.',
  })
  fix?: string;
}

export class KeyCheckReportDto {
  @ApiProperty({ enum: ['passed', 'failed'] })
  outcome!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  checkedAt!: string;

  @ApiProperty({ type: () => [KeyCheckDto] })
  checks!: KeyCheckDto[];
}

/** A stored integration. The client secret is never returned, only that one is stored. */
export class KeyIntegrationViewDto {
  @ApiProperty({ example: '72f988bf-86f1-41af-91ab-2d7cd011db47' })
  directoryTenantId!: string;

  @ApiProperty({ example: '0c3a5b7e-2f6d-4a8b-9c1d-3e5f7a9b1c2d' })
  clientId!: string;

  @ApiProperty({ example: true, description: 'A client secret is stored (it is never returned).' })
  clientSecretSet!: boolean;

  @ApiProperty({ example: 'https://acme-backup.vault.azure.net' })
  vaultUrl!: string;

  @ApiProperty({ example: 'vault-backup' })
  keyName!: string;

  @ApiProperty({
    description: 'The key version new data is wrapped with; emitters encrypt event secrets to this kid.',
    example: 'https://acme-backup.vault.azure.net/keys/vault-backup/4c1b6c5a0e2d4f4e9a3b2c1d0e9f8a7b',
  })
  keyId!: string;

  @ApiProperty({ type: String, format: 'date-time', description: 'Last passing validation.' })
  validatedAt!: string;

  @ApiProperty({
    type: () => KeyCheckReportDto,
    description: 'The newest check, which may have failed since.',
  })
  lastCheck!: KeyCheckReportDto;

  @ApiProperty({ type: [String], description: 'Things the admin should know, e.g. that access was lost.' })
  notices!: string[];
}

export class RewrapCountsDto {
  @ApiProperty({ description: 'Data keys now wrapped by the current key.', example: 12 })
  rewrapped!: number;

  @ApiProperty({ description: 'Data keys that already were.', example: 3 })
  alreadyCurrent!: number;

  @ApiProperty({ description: 'Data keys that could not be re-wrapped (retry the call).', example: 0 })
  failed!: number;
}

/** PUT, POST validate and POST rotate: 200 when every check passed, 422 with the report otherwise. */
export class KeyIntegrationResultDto {
  @ApiProperty({ enum: ['passed', 'failed'] })
  status!: 'passed' | 'failed';

  @ApiProperty({ type: () => KeyCheckReportDto })
  report!: KeyCheckReportDto;

  @ApiPropertyOptional({
    type: () => KeyIntegrationViewDto,
    description: 'The stored integration (absent when a first set failed: nothing was stored).',
  })
  keyIntegration?: KeyIntegrationViewDto;

  @ApiPropertyOptional({
    type: () => RewrapCountsDto,
    description: "Set when the key changed: the workspace's data keys re-wrapped online to the new key.",
  })
  rewrap?: RewrapCountsDto;
}
