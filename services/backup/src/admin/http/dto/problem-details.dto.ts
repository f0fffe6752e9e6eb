import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldProblemDto {
  @ApiProperty({ example: 'identityTenantUrl', description: 'Path of the invalid field.' })
  field!: string;

  @ApiProperty({
    example: 'must name the tenant by its host name, not an IP address',
    description: 'The rule the field broke (never its value).',
  })
  message!: string;

  @ApiPropertyOptional({
    example: 'ip-literal-not-allowed',
    description: 'Stable reason, where the rule has one.',
  })
  reason?: string;
}

/**
 * RFC 9457 problem details, the body of every error of the admin API (`application/problem+json`).
 * Problems may add facts of their own as further members (e.g. sizes); clients ignore unknown members.
 */
export class ProblemDetailsDto {
  @ApiProperty({
    example: 'urn:vault-backup:problem:validation-failed',
    description:
      'Identifies the problem: `urn:vault-backup:problem:<slug>`, the slug being `code` in kebab case. A name, not a link.',
  })
  type!: string;

  @ApiProperty({
    example: 'Invalid request',
    description: 'Short summary; the same for every occurrence of a type.',
  })
  title!: string;

  @ApiProperty({ example: 400, description: 'The HTTP status code.' })
  status!: number;

  @ApiProperty({
    example: 'the request is invalid; see problems',
    description: 'This occurrence, in words. Never a secret or a submitted value.',
  })
  detail!: string;

  @ApiProperty({
    example: '/api/v1/workspaces/ws-4f2a/vault-backup/connection',
    description: 'The request path (without its query).',
  })
  instance!: string;

  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable error code (one per type).' })
  code!: string;

  @ApiProperty({
    example: '0f8fad5b-d9cb-469f-a165-70867728950e',
    description: 'Also in the X-Request-Id header; quote it when reporting a problem.',
  })
  requestId!: string;

  @ApiPropertyOptional({
    type: () => [FieldProblemDto],
    description: 'One entry per broken rule of an invalid field (400 `validation-failed` only).',
  })
  problems?: FieldProblemDto[];
}
