import { parseClientCredentials } from './client-credentials.request';

const FORM = 'application/x-www-form-urlencoded';
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('parseClientCredentials', () => {
  it('reads HTTP Basic client credentials, the role and workspace as extra parameters', () => {
    const body = 'grant_type=client_credentials&role=admin&workspace_id=ws-1';
    expect(parseClientCredentials(FORM, basic('alice', 'x'), body)).toEqual({
      ok: true,
      claims: { sub: 'alice', role: 'admin', workspace_id: 'ws-1' },
    });
  });

  it('reads credentials from the form too, and lets operator_replay go without a workspace', () => {
    const body = 'grant_type=client_credentials&client_id=sre&client_secret=x&role=operator_replay';
    expect(parseClientCredentials(`${FORM}; charset=utf-8`, undefined, body)).toEqual({
      ok: true,
      claims: { sub: 'sre', role: 'operator_replay' },
    });
  });

  it.each([
    ['application/json', basic('a', 'x'), 'grant_type=client_credentials&role=admin', 400, 'invalid_request'],
    [FORM, basic('a', 'x'), 'grant_type=password&role=admin', 400, 'unsupported_grant_type'],
    [FORM, undefined, 'grant_type=client_credentials&client_id=a&role=operator', 401, 'invalid_client'],
    [FORM, basic('a', 'x'), 'grant_type=client_credentials&role=admin', 400, 'invalid_request'],
    [
      FORM,
      basic('a', 'x'),
      'grant_type=client_credentials&role=root&workspace_id=ws-1',
      400,
      'invalid_request',
    ],
  ])('refuses %s %s %s with %d %s', (type, authorization, body, status, error) => {
    expect(parseClientCredentials(type, authorization, body)).toMatchObject({
      ok: false,
      status,
      error: { error },
    });
  });
});
