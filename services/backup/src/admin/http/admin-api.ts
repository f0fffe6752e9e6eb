import { applyDecorators, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiResponse,
  ApiServiceUnavailableResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AccessGuard } from '../auth/access.guard';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { AdminExceptionFilter } from './admin-exception.filter';
import { ErrorResponseDto } from './dto/error-response.dto';
import { createAdminValidationPipe } from './validation.pipe';

/** Versioned prefix of every admin route. */
export const API_PREFIX = 'api/v1';
export const BEARER_SCHEME = 'bearer';

/**
 * Everything an admin controller shares: authentication then authorization, strict DTO
 * validation, one error shape, and the answers every route may give.
 */
export function AdminApi(): ClassDecorator {
  return applyDecorators(
    UseGuards(JwtAuthGuard, AccessGuard),
    UsePipes(createAdminValidationPipe()),
    UseFilters(AdminExceptionFilter),
    ApiBearerAuth(BEARER_SCHEME),
    ApiResponse({
      status: 400,
      description: 'Invalid input: one entry per field in `errors`.',
      type: ErrorResponseDto,
    }),
    ApiUnauthorizedResponse({
      description: 'No, expired or otherwise invalid bearer token.',
      type: ErrorResponseDto,
    }),
    ApiResponse({ status: 403, description: 'Your role may not do this.', type: ErrorResponseDto }),
    ApiNotFoundResponse({
      description: 'No vault backup here, or not your workspace.',
      type: ErrorResponseDto,
    }),
    ApiServiceUnavailableResponse({
      description: 'A dependency is unavailable; retry after Retry-After.',
      type: ErrorResponseDto,
    }),
  );
}
