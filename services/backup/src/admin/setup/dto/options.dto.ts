import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { OptionalNotNull } from '../../http/dto/optional-not-null.decorator';

export const MIN_RETRY_BUDGET_SECONDS = 60;
export const MAX_RETRY_BUDGET_SECONDS = 604_800;

/** PATCH: only the options given change; `null` is refused (400), not taken for "unchanged". */
export class OptionsDto {
  @ApiPropertyOptional({ description: 'Accept plaintext secrets in account events. Off by default.' })
  @OptionalNotNull()
  @IsBoolean()
  allowPlaintextSecrets?: boolean;

  @ApiPropertyOptional({
    description: 'Back up metadata only: no password, TOTP seed or backup codes is written.',
  })
  @OptionalNotNull()
  @IsBoolean()
  metadataOnly?: boolean;

  @ApiPropertyOptional({
    description: 'How long a failing account keeps being retried before it is recorded as a failure.',
    minimum: MIN_RETRY_BUDGET_SECONDS,
    maximum: MAX_RETRY_BUDGET_SECONDS,
    example: 86_400,
  })
  @OptionalNotNull()
  @IsInt()
  @Min(MIN_RETRY_BUDGET_SECONDS)
  @Max(MAX_RETRY_BUDGET_SECONDS)
  retryBudgetSeconds?: number;
}
