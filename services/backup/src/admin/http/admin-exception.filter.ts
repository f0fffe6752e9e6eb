import { type ArgumentsHost, Catch, type ExceptionFilter, Injectable } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { toHttpAnswer } from './http-answer';
import { requestIdOf } from './request-context';

/** Every admin route answers errors in one shape, with the request id, and never a 500 for a user mistake. */
@Catch()
@Injectable()
export class AdminExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: PinoLogger) {
    this.logger.setContext('AdminApi');
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const requestId = requestIdOf(request);
    const { status, body, headers, unexpected } = toHttpAnswer(exception);
    if (unexpected) {
      const route = (request.route as { path?: unknown } | undefined)?.path;
      this.logger.error({ err: exception, requestId, route }, 'admin request failed');
    }
    if (response.headersSent) return;
    response
      .status(status)
      .set(headers)
      .json({ ...body, requestId });
  }
}
