import { uniqueName, waitFor } from '@vault-backup/testing';
import { AdminE2eHarness, fieldsOf } from './support/admin-e2e.harness';

const base = (workspace: string) => `/api/v1/workspaces/${workspace}/vault-backup`;
const GOOD_IDENTITY = 'https://abc1234.id.cyberark.cloud';
const GOOD_PCLOUD = 'https://acme.privilegecloud.cyberark.cloud';

/**
 * The tenant URL allowlist as a production operator configures it: loopback NOT allowed. The
 * operator added `localhost` as an allowed domain, which lets the test prove that resolve-then-
 * connect refuses an allowed name that resolves to an internal address.
 */
describe('tenant URLs are a security boundary (production settings)', () => {
  let harness: AdminE2eHarness;

  beforeAll(async () => {
    harness = await AdminE2eHarness.create({
      env: {
        CYBERARK_ALLOW_INSECURE_LOOPBACK: 'false',
        CYBERARK_ALLOWED_DOMAINS: 'cyberark.cloud,localhost',
      },
    });
    await harness.start();
  });

  afterAll(async () => {
    await harness?.close();
  });

  async function putConnection(identityTenantUrl: string, privilegeCloudUrl = GOOD_PCLOUD) {
    const workspace = uniqueName('ws');
    const token = await harness.tokenFor(workspace, 'owner');
    const result = await harness.request('PUT', `${base(workspace)}/connection`, {
      token,
      body: {
        identityTenantUrl,
        privilegeCloudUrl,
        clientId: 'svc@cyberark.cloud.1',
        clientSecret: 'attack-secret-123',
      },
    });
    return { result, workspace, token };
  }

  it.each([
    ['an IP literal', 'https://10.0.0.5', 'ip-literal-not-allowed'],
    ['the cloud metadata address', 'https://169.254.169.254', 'ip-literal-not-allowed'],
    [
      'the metadata address over http with a path',
      'http://169.254.169.254/latest/meta-data/',
      'ip-literal-not-allowed',
    ],
    [
      'loopback (the simulator) without the operator switch',
      'http://127.0.0.1:18080/t/acme/identity',
      'ip-literal-not-allowed',
    ],
    ['an IPv6 literal', 'https://[::1]', 'ip-literal-not-allowed'],
    ['a decimal IPv4', 'https://2130706433', 'ip-literal-not-allowed'],
    ['a lookalike suffix domain', 'https://abc.id.cyberark.cloud.evil.com', 'host-not-allowed'],
    ['a lookalike without a label boundary', 'https://evilcyberark.cloud', 'host-not-allowed'],
    ['a homoglyph domain', 'https://abc.id.cyberаrk.cloud', 'host-not-allowed'],
    ['userinfo smuggling the real host', 'https://abc.id.cyberark.cloud@evil.com', 'userinfo-not-allowed'],
    ['credentials in the URL', 'https://user:pass@abc.id.cyberark.cloud', 'userinfo-not-allowed'],
    ['plain http', 'http://abc.id.cyberark.cloud', 'scheme-not-allowed'],
    ['an odd port', 'https://abc.id.cyberark.cloud:8443', 'port-not-allowed'],
    ['a path', 'https://abc.id.cyberark.cloud/oauth2/platformtoken', 'path-not-allowed'],
    ['a query', 'https://abc.id.cyberark.cloud?next=http://169.254.169.254', 'query-not-allowed'],
    ['a backslash trick', 'https://evil.com\\@abc.id.cyberark.cloud', 'malformed'],
    ['another scheme', 'file:///etc/passwd', 'malformed'],
  ])('refuses %s with 400 naming the field and the rule, and stores nothing', async (_name, url, reason) => {
    const { result, workspace, token } = await putConnection(url);
    expect(result.status).toBe(400);
    expect(result.body.problems).toEqual([expect.objectContaining({ field: 'identityTenantUrl', reason })]);
    expect(result.text).not.toContain('attack-secret-123');
    expect(result.text).not.toContain('pass@');
    expect((await harness.request('GET', base(workspace), { token })).status).toBe(404);
  });

  it('checks both URLs and names each broken field', async () => {
    const { result } = await putConnection(
      'https://169.254.169.254',
      'https://xyz.privilegecloud.cyberark.cloud.evil.com',
    );
    expect(result.status).toBe(400);
    expect(fieldsOf(result)).toEqual(['identityTenantUrl', 'privilegeCloudUrl']);
  });

  it('refuses an allowed name that resolves to an internal address (resolve-then-connect): 422 url-not-allowed', async () => {
    const { result: resolved } = await putConnection('https://localhost', GOOD_PCLOUD);
    expect(resolved.status).toBe(422);
    expect(resolved.body.failure).toMatchObject({ class: 'url-not-allowed' });
    expect(resolved.body.failure.message).toMatch(/resolves to a loopback address/);
  });

  it.each([
    ['an IP literal', 'https://10.0.0.5'],
    ['a name resolving to loopback', 'https://localhost'],
  ])(
    'the pipeline applies the same policy: a stored tenant URL with %s is never contacted',
    async (_name, identityUrl) => {
      const workspace = uniqueName('ws');
      await harness.insertEnabledConfiguration(workspace, { identityUrl, privilegeCloudUrl: GOOD_PCLOUD });
      await harness.emit({
        workspaceId: workspace,
        accountId: 'acc-1',
        version: 1,
        provider: 'github',
        label: 'x',
        secrets: { password: 'p' },
      });
      const token = await harness.tokenFor(workspace, 'owner');
      const failure = await waitFor(
        async () => {
          const page = await harness.request('GET', `${base(workspace)}/failures`, { token });
          return (page.body.items as { error: { code: string; class: string } }[])[0];
        },
        { timeoutMs: 30_000, description: 'the failure the pipeline records' },
      );
      expect(failure.error).toMatchObject({ code: 'URL_NOT_ALLOWED' });
    },
  );

  it('accepts well-formed CyberArk tenant URLs (then fails only for lack of DNS in the test environment)', async () => {
    const { result } = await putConnection(GOOD_IDENTITY);
    expect(result.status).toBe(422);
    expect(result.body.failure.class).toBe('unreachable');
    expect(result.body.vaultBackup.connection).toMatchObject({
      identityTenantUrl: GOOD_IDENTITY,
      privilegeCloudUrl: GOOD_PCLOUD,
    });
  });
});
