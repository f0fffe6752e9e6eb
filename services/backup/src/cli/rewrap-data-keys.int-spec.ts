import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@vault-backup/testing';
import { serviceCipher } from '../../test/support/service-cipher';
import { serviceTestEnv } from '../../test/support/service-test.env';
import { loadBackupConfig } from '../config/backup.config';
import { rewrapDataKeys, targetOf } from './rewrap-data-keys';

const TOPICS = { created: 'rewrap-created', updated: 'rewrap-updated', dlq: 'rewrap-dlq' };

describe('npm run keys:rewrap (service key rotation, online)', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('re-wraps every data key under the new service key; old tokens still open; a second run does nothing', async () => {
    const oldRing = `old:${randomBytes(32).toString('base64')}`;
    const newKey = `new:${randomBytes(32).toString('base64')}`;
    const newRing = `${newKey},${oldRing}`;
    const before = serviceCipher(database.dataSource, oldRing);
    const tokens = [
      await before.encrypt('service secret', 'client-secret'),
      await before.encrypt('workspace secret', 'client-secret', 'ws-rewrap'),
    ];
    const kidsBefore = await serviceKids(database);
    const config = loadBackupConfig(
      serviceTestEnv({
        databaseUrl: database.url,
        topics: TOPICS,
        prefix: 'rewrap',
        dataEncryptionKeys: newRing,
      }),
    );

    const first = await rewrapDataKeys(config);
    const second = await rewrapDataKeys(config);

    expect(first).toMatchObject({ rewrapped: 2, failed: 0 });
    expect(second).toMatchObject({ rewrapped: 0, alreadyCurrent: 2, failed: 0 });
    const kidsAfter = await serviceKids(database);
    expect(kidsAfter.every((kid) => !kidsBefore.includes(kid))).toBe(true);
    // Only the new key is needed now (the old one stays in the ring for tokens written before envelopes).
    const after = serviceCipher(database.dataSource, newKey);
    expect(Buffer.from(await after.decrypt(tokens[0], 'client-secret')).toString()).toBe('service secret');
    expect(Buffer.from(await after.decrypt(tokens[1], 'client-secret', 'ws-rewrap')).toString()).toBe(
      'workspace secret',
    );
  });

  it('reads its target from the command line', () => {
    expect(targetOf([])).toBe('all');
    expect(targetOf(['--service'])).toBe('service');
    expect(targetOf(['--workspace', 'ws-1'])).toEqual({ workspaceId: 'ws-1' });
    expect(() => targetOf(['--workspace'])).toThrow('--workspace needs a workspace id');
  });
});

async function serviceKids(database: TestDatabase): Promise<string[]> {
  const rows = await database.dataSource.query<{ service_kid: string }[]>(`SELECT service_kid FROM data_key`);
  return rows.map((row) => row.service_kid);
}
