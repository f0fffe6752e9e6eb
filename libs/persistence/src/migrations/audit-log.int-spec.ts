import { createTestDatabase, type TestDatabase } from '@vault-backup/testing';
import { AuditLogEntity } from '../entities';

describe('audit_log migration on a real PostgreSQL', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  it('stores entries through the entity with generated ids and times', async () => {
    const repository = database.dataSource.getRepository(AuditLogEntity);
    await repository.insert({
      workspaceId: 'ws-1',
      actorSub: 'alice',
      actorRole: 'owner',
      action: 'created',
      details: { a: 1 },
      requestId: 'r1',
    });
    const [stored] = await repository.find({ where: { workspaceId: 'ws-1' } });
    expect(stored).toMatchObject({
      actorSub: 'alice',
      action: 'created',
      details: { a: 1 },
      requestId: 'r1',
    });
    expect(stored?.occurredAt).toBeInstanceOf(Date);
  });

  it('is append-only: updates, deletes and truncation are refused', async () => {
    await database.dataSource.query(
      `INSERT INTO audit_log (workspace_id, actor_sub, actor_role, action) VALUES ('ws-2', 'bob', 'admin', 'enabled')`,
    );
    await expect(database.dataSource.query(`UPDATE audit_log SET actor_sub = 'mallory'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(database.dataSource.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    await expect(database.dataSource.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
  });

  it('refuses an unknown action', async () => {
    await expect(
      database.dataSource.query(
        `INSERT INTO audit_log (workspace_id, actor_sub, actor_role, action) VALUES ('w', 's', 'r', 'hacked')`,
      ),
    ).rejects.toThrow(/audit_log_action_check/);
  });
});
