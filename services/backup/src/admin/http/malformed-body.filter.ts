import { type ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { type Response } from 'express';

/**
 * Express reports a malformed JSON body before any route runs, and Nest answers with the parser's
 * message, which V8 now builds from a slice of the body: a client secret in a broken request
 * would be echoed back. This app-wide filter replaces that one message and leaves every other
 * exception to Nest's default handling.
 */
@Catch(HttpException)
export class MalformedBodyFilter extends BaseExceptionFilter {
  override catch(exception: HttpException, host: ArgumentsHost): void {
    // The Kafka consumer inherits global filters: anything but HTTP is left to its transport, untouched.
    if (host.getType() !== 'http') throw exception;
    if (!(exception.cause instanceof SyntaxError)) {
      super.catch(exception, host);
      return;
    }
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    response
      .status(400)
      .json({ statusCode: 400, code: 'MALFORMED_JSON', message: 'the request body is not valid JSON' });
  }
}
