import { BadRequestException, HttpException, PayloadTooLargeException } from '@nestjs/common';
import { DependencyUnavailableError } from '@vault-backup/errors';
import { AuthUnavailableError, InvalidAccessTokenError, MissingAccessTokenError } from '../auth/auth.errors';
import { ConcurrentChangeError } from '../configuration/database-errors';
import {
  ForbiddenError,
  RateLimitedError,
  RequestValidationError,
  StateConflictError,
  UnprocessableError,
  vaultBackupNotFound,
} from './admin.errors';
import { problemBody, toHttpAnswer } from './http-answer';
import { PROBLEM_TYPES } from './problem-types';

const REQUEST = { instance: '/api/v1/workspaces/ws-1/vault-backup', requestId: 'req-1' };

describe('toHttpAnswer', () => {
  it.each([
    [new RequestValidationError([{ field: 'safeName', message: 'must be…' }]), 400, 'VALIDATION_FAILED'],
    [new MissingAccessTokenError('x'), 401, 'AUTH_TOKEN_MISSING'],
    [new InvalidAccessTokenError('the access token expired'), 401, 'AUTH_TOKEN_INVALID'],
    [new ForbiddenError('no'), 403, 'FORBIDDEN'],
    [vaultBackupNotFound(), 404, 'VAULT_BACKUP_NOT_FOUND'],
    [new StateConflictError('VALIDATION_REQUIRED', 'validate first'), 409, 'VALIDATION_REQUIRED'],
    [new ConcurrentChangeError(), 409, 'CONCURRENT_CHANGE'],
    [new RateLimitedError('slow down', 1_500), 429, 'RATE_LIMITED'],
    [new AuthUnavailableError('jwks down'), 503, 'AUTH_UNAVAILABLE'],
    [new DependencyUnavailableError('postgresql', 'down'), 503, 'DEPENDENCY_UNAVAILABLE'],
    [new PayloadTooLargeException(), 413, 'PAYLOAD_TOO_LARGE'],
    [new HttpException('Cannot GET /api/v1/x', 404), 404, 'ROUTE_NOT_FOUND'],
    [new HttpException('gone', 410), 410, 'GONE'],
  ])('%s → %d %s', (error, status, code) => {
    const answer = toHttpAnswer(error);
    expect(answer).toMatchObject({
      status,
      unexpected: false,
      problem: { status, code, type: `urn:vault-backup:problem:${code.toLowerCase().replace(/_/g, '-')}` },
    });
  });

  it('gives every catalogued code its own type and its status', () => {
    expect(toHttpAnswer(vaultBackupNotFound()).problem).toMatchObject({
      type: 'urn:vault-backup:problem:vault-backup-not-found',
      title: 'No vault backup',
    });
    for (const [code, { status }] of Object.entries(PROBLEM_TYPES)) {
      expect([code, status >= 400 && status < 600]).toEqual([code, true]);
    }
    expect(new Set(Object.values(PROBLEM_TYPES).map((type) => type.title)).size).toBe(
      Object.keys(PROBLEM_TYPES).length,
    );
  });

  it('titles an uncatalogued code with the reason phrase of its status', () => {
    expect(toHttpAnswer(new StateConflictError('SOMETHING_NEW', 'x')).problem).toMatchObject({
      type: 'urn:vault-backup:problem:something-new',
      title: 'Conflict',
    });
  });

  it('challenges a missing token without an error code, an invalid one with invalid_token', () => {
    expect(toHttpAnswer(new MissingAccessTokenError('x')).headers).toEqual({
      'WWW-Authenticate': 'Bearer realm="vault-backup"',
    });
    expect(toHttpAnswer(new InvalidAccessTokenError('the "x" claim')).headers['WWW-Authenticate']).toBe(
      `Bearer realm="vault-backup", error="invalid_token", error_description="the 'x' claim"`,
    );
  });

  it('asks to retry later: the error’s own delay in whole seconds, else 5', () => {
    expect(toHttpAnswer(new AuthUnavailableError('x')).headers).toEqual({ 'Retry-After': '5' });
    expect(toHttpAnswer(new DependencyUnavailableError('postgresql', 'down')).headers).toEqual({
      'Retry-After': '5',
    });
    expect(toHttpAnswer(new RateLimitedError('slow down', 1_500)).headers).toEqual({ 'Retry-After': '2' });
    const throttled = Object.assign(new DependencyUnavailableError('key vault', 'throttled'), {
      retryAfterMs: 30_000,
    });
    expect(toHttpAnswer(throttled).headers).toEqual({ 'Retry-After': '30' });
  });

  it('never repeats what a dependency said (it may name hosts or data)', () => {
    const answer = toHttpAnswer(
      new DependencyUnavailableError('postgresql', 'connect ECONNREFUSED 10.0.0.7'),
    );
    expect(JSON.stringify(answer.problem)).not.toMatch(/10\.0\.0\.7|ECONNREFUSED/);
    expect(
      JSON.stringify(toHttpAnswer(new AuthUnavailableError('https://idp.internal/jwks')).problem),
    ).not.toMatch(/idp\.internal/);
  });

  it('lists every field problem of a 400 under `problems`', () => {
    const problems = [
      { field: 'a', message: 'm1' },
      { field: 'b', message: 'm2', reason: 'r' },
    ];
    expect(toHttpAnswer(new RequestValidationError(problems)).problem.problems).toEqual(problems);
  });

  it('never repeats a JSON parse error (it may quote the body)', () => {
    const answer = toHttpAnswer(
      new BadRequestException('Unexpected token in "secret-123"', { cause: new SyntaxError('x') }),
    );
    expect(answer.problem).toEqual({
      type: 'urn:vault-backup:problem:malformed-json',
      title: 'Malformed JSON body',
      status: 400,
      detail: 'the request body is not valid JSON',
      code: 'MALFORMED_JSON',
    });
  });

  it('never repeats the message of an exception raised before the route (it may quote the request)', () => {
    const answer = toHttpAnswer(new HttpException('unsupported charset "SECRET-1"', 415));
    expect(answer.problem).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(JSON.stringify(answer.problem)).not.toContain('SECRET-1');
  });

  it.each([
    new Error('boom: internal detail'),
    new TypeError('x'),
    'a string',
    undefined,
    new HttpException('db down', 500),
  ])('turns %p into a generic, logged 500', (error) => {
    const answer = toHttpAnswer(error);
    expect(answer).toMatchObject({
      status: 500,
      unexpected: true,
      problem: { code: 'INTERNAL_ERROR', type: 'urn:vault-backup:problem:internal-error' },
    });
    expect(JSON.stringify(answer.problem)).not.toMatch(/internal detail|db down/);
  });

  it('answers a 422 with its own type and title, adding the facts', () => {
    const answer = toHttpAnswer(
      new UnprocessableError(
        'REPLAY_RECORD_TOO_LARGE',
        'replay-record-too-large',
        'Record too large',
        'too big',
        { failureId: 'f-1', recordBytes: 2_000_000 },
      ),
    );
    expect(answer).toEqual({
      status: 422,
      unexpected: false,
      headers: {},
      problem: {
        type: 'urn:vault-backup:problem:replay-record-too-large',
        title: 'Record too large',
        status: 422,
        detail: 'too big',
        code: 'REPLAY_RECORD_TOO_LARGE',
        facts: { failureId: 'f-1', recordBytes: 2_000_000 },
      },
    });
  });
});

describe('problemBody', () => {
  it('adds the instance and the request id to the members', () => {
    expect(problemBody(toHttpAnswer(new ForbiddenError('no')).problem, REQUEST)).toEqual({
      type: 'urn:vault-backup:problem:forbidden',
      title: 'Forbidden',
      status: 403,
      detail: 'no',
      instance: REQUEST.instance,
      code: 'FORBIDDEN',
      requestId: 'req-1',
    });
  });

  it('sends the facts as extension members, never in place of a member', () => {
    const error = new UnprocessableError('C', 'c', 'T', 'd', {
      failureId: 'f-1',
      status: 999,
      type: 'x',
      requestId: 'forged',
      instance: 'forged',
    });
    expect(problemBody(toHttpAnswer(error).problem, REQUEST)).toEqual({
      type: 'urn:vault-backup:problem:c',
      title: 'T',
      status: 422,
      detail: 'd',
      instance: REQUEST.instance,
      code: 'C',
      requestId: 'req-1',
      failureId: 'f-1',
    });
  });
});
