import { BadRequestException, HttpException, PayloadTooLargeException } from '@nestjs/common';
import { DependencyUnavailableError } from '@vault-backup/errors';
import { AuthUnavailableError, InvalidAccessTokenError, MissingAccessTokenError } from '../auth/auth.errors';
import { ConcurrentChangeError } from '../configuration/database-errors';
import {
  ForbiddenError,
  RequestValidationError,
  StateConflictError,
  UnprocessableError,
  vaultBackupNotFound,
} from './admin.errors';
import { toHttpAnswer } from './http-answer';

describe('toHttpAnswer', () => {
  it.each([
    [new RequestValidationError([{ field: 'safeName', message: 'must be…' }]), 400, 'VALIDATION_FAILED'],
    [new MissingAccessTokenError('x'), 401, 'AUTH_TOKEN_MISSING'],
    [new InvalidAccessTokenError('the access token expired'), 401, 'AUTH_TOKEN_INVALID'],
    [new ForbiddenError('no'), 403, 'FORBIDDEN'],
    [vaultBackupNotFound(), 404, 'VAULT_BACKUP_NOT_FOUND'],
    [new StateConflictError('VALIDATION_REQUIRED', 'validate first'), 409, 'VALIDATION_REQUIRED'],
    [new ConcurrentChangeError(), 409, 'CONCURRENT_CHANGE'],
    [new AuthUnavailableError('jwks down'), 503, 'AUTH_UNAVAILABLE'],
    [new DependencyUnavailableError('postgresql', 'down'), 503, 'DEPENDENCY_UNAVAILABLE'],
    [new PayloadTooLargeException(), 413, 'PAYLOAD_TOO_LARGE'],
    [new HttpException('gone', 410), 410, 'GONE'],
  ])('%s → %d %s', (error, status, code) => {
    const answer = toHttpAnswer(error);
    expect(answer).toMatchObject({ status, unexpected: false, body: { statusCode: status, code } });
  });

  it('challenges a missing token without an error code, an invalid one with invalid_token', () => {
    expect(toHttpAnswer(new MissingAccessTokenError('x')).headers).toEqual({
      'WWW-Authenticate': 'Bearer realm="vault-backup"',
    });
    expect(toHttpAnswer(new InvalidAccessTokenError('the "x" claim')).headers['WWW-Authenticate']).toBe(
      `Bearer realm="vault-backup", error="invalid_token", error_description="the 'x' claim"`,
    );
  });

  it('asks to retry a dependency outage later', () => {
    expect(toHttpAnswer(new AuthUnavailableError('x')).headers).toEqual({ 'Retry-After': '5' });
  });

  it('lists every field problem of a 400', () => {
    const problems = [
      { field: 'a', message: 'm1' },
      { field: 'b', message: 'm2', reason: 'r' },
    ];
    expect(toHttpAnswer(new RequestValidationError(problems)).body.errors).toEqual(problems);
  });

  it('never repeats a JSON parse error (it may quote the body)', () => {
    const answer = toHttpAnswer(
      new BadRequestException('Unexpected token in "secret-123"', { cause: new SyntaxError('x') }),
    );
    expect(answer.body).toEqual({
      statusCode: 400,
      code: 'MALFORMED_JSON',
      message: 'the request body is not valid JSON',
    });
  });

  it.each([
    new Error('boom: internal detail'),
    new TypeError('x'),
    'a string',
    undefined,
    new HttpException('db down', 500),
  ])('turns %p into a generic, logged 500', (error) => {
    const answer = toHttpAnswer(error);
    expect(answer).toMatchObject({ status: 500, unexpected: true, body: { code: 'INTERNAL_ERROR' } });
    expect(JSON.stringify(answer.body)).not.toMatch(/internal detail|db down/);
  });

  it('answers a 422 as RFC 9457 problem details, keeping the usual fields and adding the facts', () => {
    const answer = toHttpAnswer(
      new UnprocessableError(
        'REPLAY_RECORD_TOO_LARGE',
        'replay-record-too-large',
        'Record too large',
        'too big',
        {
          failureId: 'f-1',
          recordBytes: 2_000_000,
          // A fact may not replace a member the RFC defines.
          status: 999,
        },
      ),
    );
    expect(answer).toEqual({
      status: 422,
      unexpected: false,
      headers: { 'Content-Type': 'application/problem+json' },
      body: {
        type: 'urn:vault-backup:problem:replay-record-too-large',
        title: 'Record too large',
        status: 422,
        detail: 'too big',
        statusCode: 422,
        code: 'REPLAY_RECORD_TOO_LARGE',
        message: 'too big',
        failureId: 'f-1',
        recordBytes: 2_000_000,
      },
    });
  });
});
