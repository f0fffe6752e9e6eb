import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

/** CyberArk Safe names: up to 28 characters, none of \ / : * ? " < > | . + & % (the last three break URLs). */
export const SAFE_NAME_PATTERN = /^(?! )[^\\/:*?"<>|.+&%\p{Cc}]{1,28}(?<! )$/u;
export const PLATFORM_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** Step 2. */
export class TargetsDto {
  @ApiProperty({ description: 'The Safe dedicated to this backup.', example: 'VaultBackup', maxLength: 28 })
  @IsString()
  @Matches(SAFE_NAME_PATTERN, {
    message: 'must be 1-28 characters without \\ / : * ? " < > | . + & % or surrounding spaces',
  })
  safeName!: string;

  @ApiProperty({
    description: 'The platform ID (matched exactly).',
    example: 'VaultBackupPlatform',
    maxLength: 100,
  })
  @IsString()
  @Matches(PLATFORM_ID_PATTERN, { message: 'must be 1-100 letters, digits, dots, underscores or hyphens' })
  platformId!: string;
}
