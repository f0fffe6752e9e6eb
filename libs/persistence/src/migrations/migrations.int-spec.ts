import { createTestDatabase, type TestDatabase } from '@vault-backup/testing';
import { runMigrations } from '../data-source/data-source.factory';
import { checkDatabase } from '../data-source/database-health';
import { BackupConfigurationEntity } from '../entities';
import { MIGRATIONS } from '.';

describe('migrations on a real PostgreSQL', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
  });

  afterAll(async () => {
    await database.drop();
  });

  it('applies every migration once, then is a no-op', async () => {
    const first = await runMigrations(database.dataSource);
    expect(first).toEqual(MIGRATIONS.map((migration) => new migration().name));
    expect(await runMigrations(database.dataSource)).toEqual([]);
  });

  it('writes and reads a configuration through the entity, with optimistic revisions', async () => {
    const repository = database.dataSource.getRepository(BackupConfigurationEntity);
    await repository.insert({
      workspaceId: 'ws-int-1',
      status: 'draft',
      safeName: 'Backups',
      platformId: 'VaultBackup',
    });
    const loaded = await repository.findOneByOrFail({ workspaceId: 'ws-int-1' });
    expect(loaded).toMatchObject({
      status: 'draft',
      safeName: 'Backups',
      allowPlaintextSecrets: false,
      revision: 1,
    });
    loaded.status = 'connected';
    await repository.save(loaded);
    expect(await repository.findOneByOrFail({ workspaceId: 'ws-int-1' })).toMatchObject({
      status: 'connected',
      revision: 2,
    });
  });

  it('rejects states the schema does not allow', async () => {
    await expect(
      database.dataSource.query(
        `INSERT INTO backup_configuration (workspace_id, status) VALUES ('ws-bad', 'bogus')`,
      ),
    ).rejects.toThrow(/backup_configuration_status_check/);
  });

  it('answers the readiness probe', async () => {
    await expect(checkDatabase(database.dataSource)).resolves.toBeUndefined();
  });
});
