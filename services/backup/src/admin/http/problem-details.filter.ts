import { type ArgumentsHost, Catch, HttpException, Injectable } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { BaseRpcExceptionFilter } from '@nestjs/microservices';
import { type Request, type Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { API_PREFIX } from './api-prefix';
import { PROBLEM_CONTENT_TYPE, problemBody, toHttpAnswer } from './http-answer';
import { requestIdOf } from './request-context';

const API_PATH = `/${API_PREFIX}`;

/**
 * The one error answer of the admin API (everything under /api/v1): RFC 9457 problem details as
 * `application/problem+json`, with the request id in the body and in X-Request-Id. App-wide, so it
 * also answers what fails before a route runs (malformed or oversized body, no such route) and
 * never a 500 for a user mistake; a genuine bug is logged with its stack and answered generically.
 * Other HTTP routes and the Kafka consumer (which inherits global filters) keep Nest's handling.
 */
@Catch()
@Injectable()
export class ProblemDetailsFilter extends BaseExceptionFilter {
  private readonly rpcDefault = new BaseRpcExceptionFilter();

  constructor(private readonly logger: PinoLogger) {
    super();
    this.logger.setContext('AdminApi');
  }

  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType() !== 'http') {
      if (exception instanceof HttpException) throw exception;
      return this.rpcDefault.catch(exception, host);
    }
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const path = pathOf(request);
    if (!isAdminApiPath(path)) {
      super.catch(exception, host);
      return undefined;
    }
    const requestId = requestIdOf(request);
    const { status, problem, headers, unexpected } = toHttpAnswer(exception);
    if (unexpected) {
      const route = (request.route as { path?: unknown } | undefined)?.path;
      this.logger.error({ err: exception, requestId, route }, 'admin request failed');
    }
    if (response.headersSent) return undefined;
    response
      .status(status)
      .set({ ...headers, 'X-Request-Id': requestId, 'Content-Type': PROBLEM_CONTENT_TYPE })
      .json(problemBody(problem, { instance: path, requestId }));
    return undefined;
  }
}

function pathOf(request: Request): string {
  const url = request.originalUrl || request.url;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function isAdminApiPath(path: string): boolean {
  return path === API_PATH || path.startsWith(`${API_PATH}/`);
}
