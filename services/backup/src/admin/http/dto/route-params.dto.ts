import { ApiProperty } from '@nestjs/swagger';
import { IsUUID, Matches } from 'class-validator';
import { WORKSPACE_ID_PATTERN } from '../../auth/principal';

export class WorkspaceParamsDto {
  @ApiProperty({ example: 'ws-4f2a', pattern: WORKSPACE_ID_PATTERN.source, maxLength: 64 })
  @Matches(WORKSPACE_ID_PATTERN, { message: 'must be 1-64 letters, digits, dots, underscores or hyphens' })
  workspaceId!: string;
}

export class FailureParamsDto extends WorkspaceParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a UUID' })
  failureId!: string;
}
