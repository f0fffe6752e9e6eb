import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';

export const MIN_RETRY_BUDGET_SECONDS = 60;
export const MAX_RETRY_BUDGET_SECONDS = 604_800;

/** PATCH: only the options given change. */
export class OptionsDto {
  @ApiPropertyOptional({ description: 'Accept plaintext secrets in account events. Off by default.' })
  @IsOptional()
  @IsBoolean()
  allowPlaintextSecrets?: boolean;

  @ApiPropertyOptional({
    description: 'Back up metadata only: no password, TOTP seed or backup codes is written.',
  })
  @IsOptional()
  @IsBoolean()
  metadataOnly?: boolean;

  @ApiPropertyOptional({
    description: 'How long a failing account keeps being retried before it is recorded as a failure.',
    minimum: MIN_RETRY_BUDGET_SECONDS,
    maximum: MAX_RETRY_BUDGET_SECONDS,
    example: 86_400,
  })
  @IsOptional()
  @IsInt()
  @Min(MIN_RETRY_BUDGET_SECONDS)
  @Max(MAX_RETRY_BUDGET_SECONDS)
  retryBudgetSeconds?: number;
}
