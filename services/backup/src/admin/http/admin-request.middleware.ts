import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { type NextFunction, type Request, type Response } from 'express';
import { ADMIN_METRICS } from '../admin.tokens';
import { type AdminMetrics } from './admin.metrics';
import { requestIdOf } from './request-context';

/**
 * Runs before guards on every admin route: echoes the request id (so even a 401 can be traced) and
 * counts the request by its route template once the answer is sent.
 */
@Injectable()
export class AdminRequestMiddleware implements NestMiddleware {
  constructor(@Inject(ADMIN_METRICS) private readonly metrics: AdminMetrics) {}

  use(request: Request, response: Response, next: NextFunction): void {
    response.setHeader('X-Request-Id', requestIdOf(request));
    response.once('finish', () => {
      const template = (request.route as { path?: unknown } | undefined)?.path;
      const route = typeof template === 'string' ? `${request.method} ${template}` : 'unmatched';
      this.metrics.requests.inc({ route, status_class: `${Math.floor(response.statusCode / 100)}xx` });
    });
    next();
  }
}
