import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { MAX_URL_LENGTH } from '@vault-backup/url-policy';

/** Entra directory and application ids are GUIDs. */
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** Key Vault object names: 1-127 letters, digits and dashes. */
const KEY_NAME = /^[0-9a-zA-Z-]{1,127}$/;
/** `\p{Cc}`: C0 and C1 control characters (NUL, newline, DEL...). */
const NO_CONTROL_CHARACTERS = /^\P{Cc}+$/u;

/**
 * The workspace's Azure Key Vault key, as the "Set up an Azure Key Vault integration" page names the
 * fields. A full replacement (PUT): the client secret is always required, so a changed vault or key can
 * never reuse a secret given for another.
 */
export class KeyIntegrationDto {
  @ApiProperty({
    description: 'Directory (tenant) ID of the Entra tenant of the service principal.',
    example: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  })
  @IsString()
  @Matches(GUID, { message: 'must be a GUID (Entra ID > Overview > Directory (tenant) ID)' })
  directoryTenantId!: string;

  @ApiProperty({
    description: 'Application (client) ID of the service principal.',
    example: '0c3a5b7e-2f6d-4a8b-9c1d-3e5f7a9b1c2d',
  })
  @IsString()
  @Matches(GUID, { message: 'must be a GUID (App registrations > your app > Application (client) ID)' })
  clientId!: string;

  @ApiProperty({
    description:
      'Client secret of the service principal. Write-only: stored encrypted, never returned, never logged.',
    writeOnly: true,
    format: 'password',
    minLength: 1,
    maxLength: 1024,
  })
  @IsString()
  @MaxLength(1024)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'must be 1-1024 characters without control characters' })
  clientSecret!: string;

  @ApiProperty({
    description:
      'Vault URI (https://<name>.vault.azure.net, or a sovereign-cloud vault host) or the bare key vault name.',
    example: 'https://acme-backup.vault.azure.net',
    maxLength: MAX_URL_LENGTH,
  })
  @IsString()
  @Length(1, MAX_URL_LENGTH)
  vaultUrl!: string;

  @ApiProperty({
    description:
      'Name of the RSA 4096 key (not its version: the current version is used and rotations follow).',
    example: 'vault-backup',
  })
  @IsString()
  @Matches(KEY_NAME, { message: 'must be 1-127 letters, digits or dashes (the key name, without a version)' })
  keyName!: string;
}

export class RemoveKeyQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description:
      "Forget the key even though data sealed under it cannot be re-wrapped (access is lost): that data stays unreadable to us for good (crypto-shredding). Without it, the workspace's data is first re-wrapped under the service key.",
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  shred?: 'true' | 'false';
}
