import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldProblemDto {
  @ApiProperty({ example: 'identityTenantUrl', description: 'Path of the invalid field.' })
  field!: string;

  @ApiProperty({ example: 'must name the tenant by its host name, not an IP address' })
  message!: string;

  @ApiPropertyOptional({
    example: 'ip-literal-not-allowed',
    description: 'Stable reason, where the rule has one.',
  })
  reason?: string;
}

export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable error code.' })
  code!: string;

  @ApiProperty({ example: 'the request is invalid; see errors' })
  message!: string;

  @ApiPropertyOptional({
    type: () => [FieldProblemDto],
    description: 'One entry per invalid field (400 only).',
  })
  errors?: FieldProblemDto[];

  @ApiProperty({
    example: '0f8fad5b-d9cb-469f-a165-70867728950e',
    description: 'Also in the X-Request-Id header.',
  })
  requestId!: string;
}
