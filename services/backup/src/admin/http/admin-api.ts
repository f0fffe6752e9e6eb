import { applyDecorators, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { AccessGuard } from '../auth/access.guard';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiProblems } from './api-problems.decorator';
import { createAdminValidationPipe } from './validation.pipe';

export { API_PREFIX } from './api-prefix';
export const BEARER_SCHEME = 'bearer';

/**
 * Everything an admin controller shares: authentication then authorization, strict DTO
 * validation, and the error answers every route may give. Errors are answered as RFC 9457
 * problem details by the app-wide ProblemDetailsFilter (it also covers what fails before a route).
 */
export function AdminApi(): ClassDecorator {
  return applyDecorators(
    UseGuards(JwtAuthGuard, AccessGuard),
    UsePipes(createAdminValidationPipe()),
    ApiBearerAuth(BEARER_SCHEME),
    ApiProblems(400, 401, 403, 413, 500, 503),
  );
}
