import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches, MaxLength } from 'class-validator';
import { MAX_URL_LENGTH } from '@vault-backup/url-policy';

const PRINTABLE_NO_SPACE = /^[\x21-\x7e]+$/;
/** `\p{Cc}`: C0 and C1 control characters (NUL, newline, DEL...). */
const NO_CONTROL_CHARACTERS = /^\P{Cc}+$/u;

/** Step 1. A full replacement (PUT): the secret is always required, so a changed URL can never reuse it. */
export class ConnectionDto {
  @ApiProperty({
    description:
      'Identity tenant URL (the seed\'s "CyberArk Base URL"), e.g. https://<identity-tenant-id>.id.cyberark.cloud. ' +
      'The token is requested at {identityTenantUrl}/oauth2/platformtoken.',
    example: 'https://abc1234.id.cyberark.cloud',
    maxLength: MAX_URL_LENGTH,
  })
  @IsString()
  @Length(1, MAX_URL_LENGTH)
  identityTenantUrl!: string;

  @ApiProperty({
    description:
      'Privilege Cloud URL (the seed\'s "CyberArk Auth URL"), e.g. https://<subdomain>.privilegecloud.cyberark.cloud. ' +
      'Given the wrong way round with identityTenantUrl, the two are swapped and a notice says so.',
    example: 'https://acme.privilegecloud.cyberark.cloud',
    maxLength: MAX_URL_LENGTH,
  })
  @IsString()
  @Length(1, MAX_URL_LENGTH)
  privilegeCloudUrl!: string;

  @ApiProperty({
    description: 'Service user login name.',
    example: 'vault-backup@cyberark.cloud.1312',
    maxLength: 256,
  })
  @IsString()
  @Length(1, 256)
  @Matches(PRINTABLE_NO_SPACE, { message: 'must be printable characters without spaces' })
  clientId!: string;

  @ApiProperty({
    description: 'Service user password. Write-only: stored encrypted, never returned, never logged.',
    writeOnly: true,
    format: 'password',
    minLength: 1,
    maxLength: 1024,
  })
  @IsString()
  @MaxLength(1024)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'must be 1-1024 characters without control characters' })
  clientSecret!: string;
}
