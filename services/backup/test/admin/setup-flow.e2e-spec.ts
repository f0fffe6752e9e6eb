import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type AccountEventData } from '@vault-backup/event-contract';
import { BACKUP_SAFE_PERMISSIONS, uniqueName, waitFor } from '@vault-backup/testing';
import { BACKUP_PLATFORM_PROPERTIES } from '../../src/pipeline/mapping/backup-properties';
import { AdminE2eHarness, expectStatus, noticesOf, PLATFORM, SAFE } from './support/admin-e2e.harness';
import { expectProblem } from './support/http-result';

const REQUIRED_PERMISSIONS = [
  'listAccounts',
  'addAccounts',
  'updateAccountContent',
  'updateAccountProperties',
] as const;

function account(workspaceId: string, accountId: string, version: number): AccountEventData {
  return {
    workspaceId,
    accountId,
    version,
    provider: 'github',
    label: `label v${version}`,
    url: 'https://github.com/login',
    username: 'octo',
    email: 'octo@example.com',
    secrets: { password: `pw-v${version}`, totpSecret: 'JBSWY3DPEHPK3PXP', backupCodes: ['111-111'] },
  };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('vault backup setup through HTTP (connect, validate targets, enable) against the CyberArk simulator', () => {
  let harness: AdminE2eHarness;

  beforeAll(async () => {
    harness = await AdminE2eHarness.create();
    await harness.start();
  });

  afterAll(async () => {
    await harness?.close();
  });

  const base = (workspace: string) => `/api/v1/workspaces/${workspace}/vault-backup`;

  describe('the three steps', () => {
    it('connects, validates, enables, and from then on backs up every created or updated account', async () => {
      const workspace = uniqueName('ws');
      const tenant = await harness.createTenant();
      const token = await harness.tokenFor(workspace, 'owner');

      const connected = expectStatus(
        await harness.request('PUT', `${base(workspace)}/connection`, { token, body: tenant.connection }),
        200,
      );
      expect(connected.body).toMatchObject({
        status: 'connected',
        notices: [],
        vaultBackup: {
          workspaceId: workspace,
          status: 'connected',
          connection: {
            identityTenantUrl: tenant.identityUrl,
            privilegeCloudUrl: tenant.pcloudUrl,
            clientId: tenant.clientId,
            clientSecretSet: true,
          },
          targets: null,
          options: { allowPlaintextSecrets: false, metadataOnly: false, retryBudgetSeconds: 86_400 },
          lastCheck: { outcome: 'passed', scope: 'connection' },
        },
      });
      expect(connected.body.failure).toBeUndefined();

      const validated = expectStatus(
        await harness.request('PUT', `${base(workspace)}/targets`, {
          token,
          body: { safeName: SAFE, platformId: PLATFORM },
        }),
        200,
      );
      expect(validated.body.status).toBe('passed');
      expect(
        (validated.body.report.checks as { name: string; status: string }[]).map((check) => [
          check.name,
          check.status,
        ]),
      ).toEqual([
        ['connection', 'passed'],
        ['safe', 'passed'],
        ['safe-permissions', 'passed'],
        ['platform', 'passed'],
        ['platform-properties', 'passed'],
      ]);
      expect(validated.body.vaultBackup).toMatchObject({
        status: 'validated',
        targets: { safeName: SAFE, platformId: PLATFORM },
      });

      const enabled = expectStatus(
        await harness.request('POST', `${base(workspace)}/enable`, { token }),
        200,
      );
      expect(enabled.body).toMatchObject({ status: 'enabled' });
      expect(enabled.body.enabledAt).toEqual(expect.any(String));

      // Plaintext secrets in events are refused by default: allow them for this workspace, then back up.
      expectStatus(
        await harness.request('PATCH', `${base(workspace)}/options`, {
          token,
          body: { allowPlaintextSecrets: true },
        }),
        200,
      );
      await harness.emit(account(workspace, 'acc-1', 1));
      const backedUp = await waitFor(
        async () =>
          (await harness.simulator.control.listAccounts(tenant.tenant, { safeName: SAFE })).find((a) =>
            a.name.endsWith('acc-1'),
          ),
        { timeoutMs: 30_000, description: 'the account backed up after enable' },
      );
      expect(backedUp.platformAccountProperties).toMatchObject({ accountId: 'acc-1', provider: 'github' });

      const status = expectStatus(await harness.request('GET', base(workspace), { token }), 200);
      expect(status.body).toMatchObject({ status: 'enabled', counters: { openFailures: 0 } });
    });

    it('is idempotent where the method says so: enable twice, disable twice, DELETE twice', async () => {
      const workspace = uniqueName('ws');
      await harness.setUpEnabledBackup(workspace);
      const token = await harness.tokenFor(workspace, 'admin');
      const again = expectStatus(await harness.request('POST', `${base(workspace)}/enable`, { token }), 200);
      expect(again.body.status).toBe('enabled');
      expect(
        expectStatus(await harness.request('POST', `${base(workspace)}/disable`, { token }), 200).body.status,
      ).toBe('disabled');
      expect(
        expectStatus(await harness.request('POST', `${base(workspace)}/disable`, { token }), 200).body.status,
      ).toBe('disabled');
      expect(
        expectStatus(await harness.request('POST', `${base(workspace)}/enable`, { token }), 200).body.status,
      ).toBe('enabled');
      expectStatus(await harness.request('DELETE', base(workspace), { token }), 204);
      expectStatus(await harness.request('DELETE', base(workspace), { token }), 204);
      expect((await harness.request('GET', base(workspace), { token })).status).toBe(404);
    });

    it('enables only a validated configuration, naming the missing step', async () => {
      const workspace = uniqueName('ws');
      const token = await harness.tokenFor(workspace, 'owner');
      expect((await harness.request('POST', `${base(workspace)}/enable`, { token })).status).toBe(404);

      const badTenant = await harness.createTenant();
      await harness.request('PUT', `${base(workspace)}/connection`, {
        token,
        body: { ...badTenant.connection, clientSecret: 'wrong-secret' },
      });
      const draft = await harness.request('POST', `${base(workspace)}/enable`, { token });
      expectProblem(draft, 409, 'CONNECTION_REQUIRED', `${base(workspace)}/enable`);
      expect(draft.body.title).toBe('Connection required');

      const tenant = await harness.createTenant({ optional: ['accountId'] });
      expectStatus(
        await harness.request('PUT', `${base(workspace)}/connection`, { token, body: tenant.connection }),
        200,
      );
      expect((await harness.request('POST', `${base(workspace)}/enable`, { token })).body).toMatchObject({
        code: 'VALIDATION_REQUIRED',
      });
      expect(
        (
          await harness.request('PUT', `${base(workspace)}/targets`, {
            token,
            body: { safeName: SAFE, platformId: PLATFORM },
          })
        ).status,
      ).toBe(422);
      const stillNot = await harness.request('POST', `${base(workspace)}/enable`, { token });
      expectProblem(stillNot, 409, 'VALIDATION_REQUIRED', `${base(workspace)}/enable`);
      expect((await harness.request('POST', `${base(workspace)}/disable`, { token })).body).toMatchObject({
        code: 'NOT_ENABLED',
      });
    });

    it('refuses targets before a successful connect', async () => {
      const workspace = uniqueName('ws');
      const token = await harness.tokenFor(workspace, 'owner');
      const tenant = await harness.createTenant();
      await harness.request('PUT', `${base(workspace)}/connection`, {
        token,
        body: { ...tenant.connection, clientSecret: 'nope' },
      });
      const refused = await harness.request('PUT', `${base(workspace)}/targets`, {
        token,
        body: { safeName: SAFE, platformId: PLATFORM },
      });
      expectProblem(refused, 409, 'CONNECTION_REQUIRED', `${base(workspace)}/targets`);
      expect((await harness.request('POST', `${base(workspace)}/validate`, { token })).body.code).toBe(
        'TARGETS_REQUIRED',
      );
    });
  });

  describe('every connection failure is classified (422, never 500)', () => {
    async function connect(connection: Record<string, string>) {
      const workspace = uniqueName('ws');
      const token = await harness.tokenFor(workspace, 'owner');
      return harness.request('PUT', `${base(workspace)}/connection`, { token, body: connection });
    }

    it('bad credentials', async () => {
      const tenant = await harness.createTenant();
      const result = await connect({ ...tenant.connection, clientSecret: 'definitely-wrong' });
      expect(result.status).toBe(422);
      expect(result.body).toMatchObject({
        status: 'failed',
        failure: { class: 'bad-credentials' },
        vaultBackup: { status: 'draft' },
      });
      expect(result.body.failure.message).toMatch(/client ID or the client secret/);
    });

    it('an unknown client ID is bad credentials too', async () => {
      const tenant = await harness.createTenant();
      const result = await connect({ ...tenant.connection, clientId: 'nobody@cyberark.cloud.1' });
      expect(result.body.failure).toMatchObject({ class: 'bad-credentials' });
    });

    it('not an OAuth confidential client', async () => {
      const tenant = await harness.createTenant({ confidentialClient: false });
      const result = await connect(tenant.connection);
      expect(result.status).toBe(422);
      expect(result.body.failure).toMatchObject({ class: 'not-confidential-client' });
      expect(result.body.failure.message).toMatch(/Is OAuth confidential client/);
    });

    it('unreachable (nothing listens)', async () => {
      const tenant = await harness.createTenant();
      const result = await connect({
        ...tenant.connection,
        identityTenantUrl: 'http://127.0.0.1:1/t/x/identity',
      });
      expect(result.status).toBe(422);
      expect(result.body.failure).toMatchObject({ class: 'unreachable' });
      expect(result.body.failure.message).toMatch(/ECONNREFUSED/);
    });

    it('unreachable (the identity endpoint is down)', async () => {
      const tenant = await harness.createTenant();
      await harness.simulator.control.addFault(tenant.tenant, { type: 'token-endpoint-down' });
      const result = await connect(tenant.connection);
      expect(result.status).toBe(422);
      expect(result.body.failure).toMatchObject({ class: 'unreachable' });
    });

    it('TLS (a certificate this service does not trust)', async () => {
      const tenant = await harness.createTenant();
      const ccp = harness.simulator.ccpUrl();
      expect(ccp).toBeDefined();
      const result = await connect({
        ...tenant.connection,
        identityTenantUrl: `${ccp as string}/t/${tenant.tenant}/identity`,
      });
      expect(result.status).toBe(422);
      expect(result.body.failure).toMatchObject({ class: 'tls' });
    });

    it('an identity URL that is no identity tenant (unexpected answer)', async () => {
      const tenant = await harness.createTenant();
      const result = await connect({
        ...tenant.connection,
        identityTenantUrl: harness.simulator.identityUrl('no-such-tenant'),
      });
      expect(result.status).toBe(422);
      expect(result.body.failure.class).toMatch(/unexpected-response|bad-credentials/);
    });

    it('a redirect, even to an internal host, is refused and never followed', async () => {
      let canaryHits = 0;
      const canary = createServer((_request, response) => {
        canaryHits += 1;
        response.end('{}');
      });
      const canaryPort = await listen(canary);
      let redirects = 0;
      const redirector = createServer((_request, response) => {
        redirects += 1;
        response.writeHead(302, { location: `http://127.0.0.1:${canaryPort}/steal` }).end();
      });
      const metadataRedirector = createServer((_request, response) => {
        response
          .writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' })
          .end();
      });
      const [port, metadataPort] = await Promise.all([listen(redirector), listen(metadataRedirector)]);
      try {
        const tenant = await harness.createTenant();
        const toCanary = await connect({
          ...tenant.connection,
          identityTenantUrl: `http://127.0.0.1:${port}/t/x/identity`,
        });
        expect(toCanary.status).toBe(422);
        expect(toCanary.body.failure).toMatchObject({ class: 'redirect-refused' });
        const toMetadata = await connect({
          ...tenant.connection,
          identityTenantUrl: `http://127.0.0.1:${metadataPort}/t/x/identity`,
        });
        expect(toMetadata.body.failure).toMatchObject({ class: 'redirect-refused' });
        expect(redirects).toBeGreaterThan(0);
        expect(canaryHits).toBe(0);
      } finally {
        await Promise.all(
          [canary, redirector, metadataRedirector].map(
            (server) => new Promise((resolve) => server.close(resolve)),
          ),
        );
      }
    });

    it('stores the failed connection as a draft and reports it in GET', async () => {
      const workspace = uniqueName('ws');
      const token = await harness.tokenFor(workspace, 'owner');
      const tenant = await harness.createTenant();
      await harness.request('PUT', `${base(workspace)}/connection`, {
        token,
        body: { ...tenant.connection, clientSecret: 'x' },
      });
      const status = expectStatus(await harness.request('GET', base(workspace), { token }), 200);
      expect(status.body).toMatchObject({
        status: 'draft',
        connection: { clientSecretSet: true, connectedAt: null },
        lastCheck: {
          outcome: 'failed',
          scope: 'connection',
          checks: [{ name: 'connection', status: 'failed', failureClass: 'bad-credentials' }],
        },
      });
    });
  });

  describe('target validation names each missing permission and property', () => {
    async function validateWith(
      options: Parameters<AdminE2eHarness['createTenant']>[0],
      targets = { safeName: SAFE, platformId: PLATFORM },
    ) {
      const workspace = uniqueName('ws');
      const token = await harness.tokenFor(workspace, 'owner');
      const tenant = await harness.createTenant(options);
      expectStatus(
        await harness.request('PUT', `${base(workspace)}/connection`, { token, body: tenant.connection }),
        200,
      );
      return harness.request('PUT', `${base(workspace)}/targets`, { token, body: targets });
    }

    type Check = { name: string; status: string; message: string };
    const check = (body: { report: { checks: Check[] } }, name: string): Check => {
      const found = body.report.checks.find((candidate) => candidate.name === name);
      if (found === undefined) throw new Error(`no ${name} check in the report`);
      return found;
    };

    it.each(REQUIRED_PERMISSIONS)('names the missing Safe permission %s', async (permission) => {
      const result = await validateWith({ permissions: { ...BACKUP_SAFE_PERMISSIONS, [permission]: false } });
      expect(result.status).toBe(422);
      expect(result.body.report.missingPermissions).toEqual([permission]);
      expect(check(result.body, 'safe-permissions')).toMatchObject({
        status: 'failed',
        missing: [permission],
      });
      expect(result.body.vaultBackup.status).toBe('connected');
    });

    it('names all four when the service user holds none of them', async () => {
      const result = await validateWith({ permissions: { viewSafeMembers: true } });
      expect(result.body.report.missingPermissions).toEqual([...REQUIRED_PERMISSIONS]);
    });

    it('says viewSafeMembers is needed to check permissions at all', async () => {
      const result = await validateWith({
        permissions: { ...BACKUP_SAFE_PERMISSIONS, viewSafeMembers: false },
      });
      expect(result.status).toBe(422);
      expect(check(result.body, 'safe-permissions')).toMatchObject({
        status: 'failed',
        missing: ['viewSafeMembers'],
      });
      expect(result.body.report.missingPermissions).toEqual(['viewSafeMembers']);
      expect(check(result.body, 'safe-permissions').message).toMatch(
        /is a member of Safe ".*" but may not view its members, its own membership included; grant it viewSafeMembers \(View Safe Members\)/,
      );
    });

    it.each(BACKUP_PLATFORM_PROPERTIES)('names the missing platform property %s', async (property) => {
      const result = await validateWith({
        optional: BACKUP_PLATFORM_PROPERTIES.filter((name) => name !== property),
      });
      expect(result.status).toBe(422);
      expect(result.body.report.missingProperties).toEqual([property]);
      expect(check(result.body, 'platform-properties')).toMatchObject({
        status: 'failed',
        missing: [property],
      });
    });

    it('names properties defined as required that must be optional', async () => {
      const result = await validateWith({
        optional: BACKUP_PLATFORM_PROPERTIES.filter((name) => name !== 'phone'),
        required: ['phone'],
      });
      expect(result.status).toBe(422);
      expect(check(result.body, 'platform-properties')).toMatchObject({
        missing: [],
        mustBeOptional: ['phone'],
      });
    });

    it('reports an inactive platform', async () => {
      const result = await validateWith({ platformActive: false });
      expect(result.status).toBe(422);
      expect(check(result.body, 'platform')).toMatchObject({ status: 'failed' });
      expect(check(result.body, 'platform').message).toMatch(/inactive/);
    });

    it('reports a Safe that does not exist, and one the user is not a member of, the same way', async () => {
      const missing = await validateWith({}, { safeName: 'NoSuchSafe', platformId: PLATFORM });
      expect(missing.status).toBe(422);
      expect(check(missing.body, 'safe')).toMatchObject({ status: 'failed' });
      expect(check(missing.body, 'safe-permissions')).toMatchObject({ status: 'skipped' });
      expect(check(missing.body, 'safe').message).toMatch(
        /^Safe "NoSuchSafe" was not found: no Safe has this exact name, or the service user is not a member of it .*viewSafeMembers \(View Safe Members\)/,
      );
      const notMember = await validateWith({ member: false });
      expect(check(notMember.body, 'safe').message).toBe(
        check(missing.body, 'safe').message.replace('NoSuchSafe', SAFE),
      );
    });

    it('reports a platform that does not exist', async () => {
      const result = await validateWith({}, { safeName: SAFE, platformId: 'NoSuchPlatform' });
      expect(result.status).toBe(422);
      expect(check(result.body, 'platform')).toMatchObject({ status: 'failed' });
      expect(check(result.body, 'platform-properties')).toMatchObject({ status: 'skipped' });
    });

    it('reports everything wrong at once', async () => {
      const result = await validateWith({
        permissions: { ...BACKUP_SAFE_PERMISSIONS, addAccounts: false },
        optional: BACKUP_PLATFORM_PROPERTIES.filter(
          (name) => name !== 'totpSecret' && name !== 'backupCodes',
        ),
      });
      expect(result.body.report).toMatchObject({
        outcome: 'failed',
        missingPermissions: ['addAccounts'],
        missingProperties: ['totpSecret', 'backupCodes'],
      });
    });
  });

  describe('re-validation, credential changes and options', () => {
    it('re-validates on demand; a failure keeps an enabled backup enabled and says so', async () => {
      const workspace = uniqueName('ws');
      const tenant = await harness.setUpEnabledBackup(workspace);
      const token = await harness.tokenFor(workspace, 'admin');
      expect(
        expectStatus(await harness.request('POST', `${base(workspace)}/validate`, { token }), 200).body
          .status,
      ).toBe('passed');

      await harness.simulator.control.putSafeMember(tenant.tenant, SAFE, tenant.clientId, {
        permissions: { ...BACKUP_SAFE_PERMISSIONS, updateAccountContent: false },
      });
      const failed = await harness.request('POST', `${base(workspace)}/validate`, { token });
      expect(failed.status).toBe(422);
      expect(failed.body.report.missingPermissions).toEqual(['updateAccountContent']);
      expect(failed.body.vaultBackup.status).toBe('enabled');
      expect(noticesOf(failed)).toMatch(/stays enabled/);
    });

    it('changing to working credentials keeps the backup enabled (rotation); wrong ones pause it, saying so', async () => {
      const workspace = uniqueName('ws');
      const tenant = await harness.setUpEnabledBackup(workspace);
      const token = await harness.tokenFor(workspace, 'owner');
      const rotated = `rotated-${tenant.clientSecret}`;
      await harness.simulator.control.putServiceAccount(tenant.tenant, tenant.clientId, {
        clientSecret: rotated,
      });

      const ok = expectStatus(
        await harness.request('PUT', `${base(workspace)}/connection`, {
          token,
          body: { ...tenant.connection, clientSecret: rotated },
        }),
        200,
      );
      expect(ok.body).toMatchObject({
        status: 'connected',
        notices: [],
        vaultBackup: { status: 'enabled', lastCheck: { scope: 'targets', outcome: 'passed' } },
      });

      const bad = await harness.request('PUT', `${base(workspace)}/connection`, {
        token,
        body: { ...tenant.connection, clientSecret: 'old-or-wrong' },
      });
      expect(bad.status).toBe(422);
      expect(bad.body.vaultBackup.status).toBe('draft');
      expect(noticesOf(bad)).toMatch(/was enabled; it is now draft/);
    });

    it('changes options (PATCH) and refuses an empty or out-of-range change', async () => {
      const workspace = uniqueName('ws');
      await harness.setUpEnabledBackup(workspace);
      const token = await harness.tokenFor(workspace, 'super_admin');
      const patched = expectStatus(
        await harness.request('PATCH', `${base(workspace)}/options`, {
          token,
          body: { metadataOnly: true, retryBudgetSeconds: 3_600 },
        }),
        200,
      );
      expect(patched.body.options).toEqual({
        allowPlaintextSecrets: false,
        metadataOnly: true,
        retryBudgetSeconds: 3_600,
      });
      const same = expectStatus(
        await harness.request('PATCH', `${base(workspace)}/options`, { token, body: { metadataOnly: true } }),
        200,
      );
      expect(same.body.revision).toBe(patched.body.revision);
      expect((await harness.request('PATCH', `${base(workspace)}/options`, { token, body: {} })).status).toBe(
        400,
      );
      const range = await harness.request('PATCH', `${base(workspace)}/options`, {
        token,
        body: { retryBudgetSeconds: 5 },
      });
      expectProblem(range, 400, 'VALIDATION_FAILED', `${base(workspace)}/options`);
      expect(range.body.problems).toEqual([expect.objectContaining({ field: 'retryBudgetSeconds' })]);
    });

    it('takes the swapped tenant URLs the right way round and says so', async () => {
      const workspace = uniqueName('ws');
      const token = await harness.tokenFor(workspace, 'owner');
      const result = await harness.request('PUT', `${base(workspace)}/connection`, {
        token,
        body: {
          identityTenantUrl: 'https://acme.privilegecloud.cyberark.cloud',
          privilegeCloudUrl: 'https://abc1234.id.cyberark.cloud',
          clientId: 'svc@cyberark.cloud.1',
          clientSecret: 'irrelevant-here',
        },
      });
      expect(noticesOf(result)).toMatch(/wrong way round/);
      expect(result.body.vaultBackup.connection).toMatchObject({
        identityTenantUrl: 'https://abc1234.id.cyberark.cloud',
        privilegeCloudUrl: 'https://acme.privilegecloud.cyberark.cloud',
      });
      // No DNS in the test environment: the cloud hosts cannot be reached, which is classified, not a 500.
      expect(result.status).toBe(422);
      expect(result.body.failure.class).toBe('unreachable');
    });
  });
});
