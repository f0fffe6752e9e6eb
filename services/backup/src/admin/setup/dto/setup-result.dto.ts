import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONNECTION_FAILURE_CLASSES } from '../../cyberark-probe/check-report';
import { CheckReportDto, VaultBackupDto } from './vault-backup.dto';

export class ConnectionFailureDto {
  @ApiProperty({ enum: CONNECTION_FAILURE_CLASSES })
  class!: string;

  @ApiProperty({ example: 'The identity tenant rejected the client ID or the client secret.' })
  message!: string;
}

/** PUT .../connection: 200 when connected, 422 when not (with the classified failure). */
export class ConnectionResultDto {
  @ApiProperty({ enum: ['connected', 'failed'] })
  status!: 'connected' | 'failed';

  @ApiPropertyOptional({ type: () => ConnectionFailureDto })
  failure?: ConnectionFailureDto;

  @ApiProperty({
    type: [String],
    description: 'Things the caller should know, e.g. that the URLs were swapped.',
  })
  notices!: string[];

  @ApiProperty({ type: () => VaultBackupDto })
  vaultBackup!: VaultBackupDto;
}

/** PUT .../targets and POST .../validate: 200 when every check passed, 422 with the report otherwise. */
export class ValidationResultDto {
  @ApiProperty({ enum: ['passed', 'failed'] })
  status!: 'passed' | 'failed';

  @ApiProperty({ type: () => CheckReportDto })
  report!: CheckReportDto;

  @ApiProperty({ type: [String] })
  notices!: string[];

  @ApiProperty({ type: () => VaultBackupDto })
  vaultBackup!: VaultBackupDto;
}
