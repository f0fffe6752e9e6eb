import { type DataSource } from 'typeorm';
import { type DataCipher, DataDecryptionError } from '@vault-backup/crypto';
import { AppError, DependencyUnavailableError } from '@vault-backup/errors';
import { CLIENT_SECRET_CIPHER_CONTEXT } from '@vault-backup/persistence';
import { isUnusable, type UnusableWorkspace } from '../ports/workspace-targets.port';
import { PgWorkspaceTargets } from './pg-workspace-targets.adapter';

/** What the Key Vault adapter throws when a workspace revoked our access to its key. */
class KeyAccessRevokedError extends AppError {
  readonly code = 'KEY_ACCESS_REVOKED';
  readonly retriable = true;
  readonly errorClass = 'key-access-revoked';
}

function row(workspaceId: string): Record<string, unknown> {
  return {
    workspace_id: workspaceId,
    identity_url: 'https://abc.id.cyberark.cloud',
    privilege_cloud_url: 'https://acme.privilegecloud.cyberark.cloud',
    client_id: 'svc',
    client_secret_ciphertext: `sealed-for-${workspaceId}`,
    safe_name: 'Safe',
    platform_id: 'Platform',
    allow_plaintext_secrets: false,
    metadata_only: false,
    retry_budget_seconds: 60,
  };
}

describe('PgWorkspaceTargets', () => {
  const dataSource = { query: jest.fn() } as unknown as DataSource & { query: jest.Mock };
  let failures: Map<string, Error>;
  const decrypt = jest.fn((token: string, context: string, scope?: string) => {
    const failure = failures.get(scope ?? '');
    if (failure) return Promise.reject(failure);
    if (token !== `sealed-for-${scope}` || context !== CLIENT_SECRET_CIPHER_CONTEXT)
      return Promise.reject(new DataDecryptionError('token belongs to another scope'));
    return Promise.resolve(new TextEncoder().encode(`secret-of-${scope}`));
  });
  const cipher: DataCipher = { encrypt: jest.fn(), decrypt };

  beforeEach(() => {
    failures = new Map();
    decrypt.mockClear();
    dataSource.query.mockResolvedValue([row('ws-1'), row('ws-2')]);
  });

  it("opens each workspace's client secret in that workspace's scope", async () => {
    const targets = await new PgWorkspaceTargets(dataSource, cipher, 5_000).activeTargets(['ws-1', 'ws-2']);

    expect(decrypt.mock.calls.map(([, , scope]) => scope)).toEqual(['ws-1', 'ws-2']);
    const active = targets.get('ws-2');
    expect(active && !isUnusable(active) && active.connection.clientSecret.reveal()).toBe('secret-of-ws-2');
  });

  it("parks only the workspace whose key is out of reach (revoked), with the key's own class and code", async () => {
    failures.set('ws-1', new KeyAccessRevokedError('workspace ws-1 revoked access to its key'));

    const targets = await new PgWorkspaceTargets(dataSource, cipher, 5_000).activeTargets(['ws-1', 'ws-2']);

    expect((targets.get('ws-1') as UnusableWorkspace).unusable).toMatchObject({
      errorClass: 'key-access-revoked',
      code: 'KEY_ACCESS_REVOKED',
      retriable: true,
      message: expect.stringMatching(/cannot be decrypted right now/) as string,
    });
    expect(isUnusable(targets.get('ws-2')!)).toBe(false);
  });

  it('parks a workspace whose secret can never be opened with the reconnect advice, as before', async () => {
    failures.set('ws-1', new DataDecryptionError('unknown key id k0'));

    const targets = await new PgWorkspaceTargets(dataSource, cipher, 5_000).activeTargets(['ws-1', 'ws-2']);

    expect((targets.get('ws-1') as UnusableWorkspace).unusable).toMatchObject({
      errorClass: 'workspace-configuration',
      code: 'CLIENT_SECRET_UNREADABLE',
    });
  });

  it('lets a PostgreSQL outage (reading a data key) fail the whole load: it is everyone’s, the batch waits', async () => {
    const outage = new DependencyUnavailableError('postgresql', 'reading a data key failed (ECONNRESET)');
    failures.set('ws-1', outage);

    await expect(
      new PgWorkspaceTargets(dataSource, cipher, 5_000).activeTargets(['ws-1', 'ws-2']),
    ).rejects.toBe(outage);
  });
});
