import { Client } from 'pg';
import { type DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@vault-backup/testing';
import { MIGRATIONS } from '../migrations';
import { createDataSource, runMigrations } from './data-source.factory';
import { MIGRATION_LOCK_KEY, MigrationLockTimeoutError } from './migration-lock';

const ALL_NAMES = MIGRATIONS.map((migration) => new migration().name);

/** Each migrator is its own data source (own pool), as a replica or the migration Job would be. */
async function migrator(url: string, name: string): Promise<DataSource> {
  const dataSource = createDataSource({
    url,
    poolSize: 2,
    applicationName: name,
    statementTimeoutMs: 30_000,
  });
  return dataSource.initialize();
}

async function advisoryLocksHeld(dataSource: DataSource): Promise<number> {
  const rows = await dataSource.query<Array<{ held: number }>>(
    `SELECT count(*)::int AS held FROM pg_locks
      WHERE locktype = 'advisory' AND granted
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND classid = ($1::bigint >> 32)::oid AND objid = ($1::bigint & 4294967295)::oid`,
    [MIGRATION_LOCK_KEY],
  );
  return rows[0].held;
}

async function appliedMigrationNames(dataSource: DataSource): Promise<string[]> {
  const rows = await dataSource.query<Array<{ name: string }>>(
    'SELECT name FROM schema_migrations ORDER BY id',
  );
  return rows.map((row) => row.name);
}

async function schemaMigrationsExists(dataSource: DataSource): Promise<boolean> {
  const rows = await dataSource.query<Array<{ present: boolean }>>(
    `SELECT to_regclass('public.schema_migrations') IS NOT NULL AS present`,
  );
  return rows[0].present;
}

/** A session holding the migration lock, as a stuck or slow migrator elsewhere would. */
async function holdLock(url: string): Promise<{ client: Client; pid: number }> {
  const client = new Client({ connectionString: url, application_name: 'lock-holder-test' });
  await client.connect();
  await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return { client, pid: rows[0].pid };
}

describe('migrations under the advisory lock, on a real PostgreSQL', () => {
  const cleanups: Array<() => Promise<unknown>> = [];

  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });

  async function freshDatabase(): Promise<TestDatabase> {
    const database = await createTestDatabase({ migrate: false });
    cleanups.push(() => database.drop());
    return database;
  }

  async function newMigrator(url: string, name: string): Promise<DataSource> {
    const dataSource = await migrator(url, name);
    cleanups.push(() => dataSource.destroy());
    return dataSource;
  }

  it('four migrators started together on a fresh database all succeed and apply each migration once', async () => {
    const database = await freshDatabase();
    const migrators = await Promise.all(
      [1, 2, 3, 4].map((index) => newMigrator(database.url, `vault-backup-replica-${index}`)),
    );

    const results = await Promise.allSettled(
      migrators.map((dataSource) => runMigrations(dataSource, { lockTimeoutMs: 60_000, pollIntervalMs: 20 })),
    );

    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    const appliedLists = results.map((result) => (result as PromiseFulfilledResult<string[]>).value);
    // The first to take the lock applies everything; the others find nothing pending.
    expect(appliedLists.flat().sort()).toEqual([...ALL_NAMES].sort());
    expect(appliedLists.filter((applied) => applied.length > 0)).toEqual([ALL_NAMES]);
    expect(await appliedMigrationNames(database.dataSource)).toEqual(ALL_NAMES);
    expect(await advisoryLocksHeld(database.dataSource)).toBe(0);
    // The schema is usable and another run is a no-op.
    expect(await runMigrations(migrators[0])).toEqual([]);
  });

  it('a migrator that cannot take the lock within its bound fails with a clear error and applies nothing', async () => {
    const database = await freshDatabase();
    const holder = await holdLock(database.url);
    cleanups.push(() => holder.client.end());
    const waiting = await newMigrator(database.url, 'vault-backup-replica-late');
    const onWait = jest.fn();

    const started = Date.now();
    const error: unknown = await runMigrations(waiting, {
      lockTimeoutMs: 1_000,
      pollIntervalMs: 50,
      onWait,
    }).catch((caught: unknown) => caught);
    const elapsed = Date.now() - started;

    expect(error).toBeInstanceOf(MigrationLockTimeoutError);
    const timeout = error as MigrationLockTimeoutError;
    expect(timeout.code).toBe('MIGRATION_LOCK_TIMEOUT');
    expect(timeout.holder).toMatchObject({ pid: holder.pid, applicationName: 'lock-holder-test' });
    expect(timeout.message).toMatch(
      new RegExp(
        `could not take the migration lock \\(pg_advisory_lock\\(${MIGRATION_LOCK_KEY}\\)\\) within 1000 ms: ` +
          `held by pid ${holder.pid} \\(application 'lock-holder-test'.*DATABASE_MIGRATION_LOCK_TIMEOUT`,
      ),
    );
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    expect(elapsed).toBeLessThan(5_000);
    expect(onWait).toHaveBeenCalledTimes(1);
    expect(onWait).toHaveBeenCalledWith(expect.objectContaining({ pid: holder.pid }));
    expect(await schemaMigrationsExists(database.dataSource)).toBe(false);
    // Only the holder's lock remains: the migrator that gave up left nothing behind on its pooled connection.
    expect(await advisoryLocksHeld(database.dataSource)).toBe(1);
  });

  it('a migrator waits while the lock is held and migrates once it is released within its bound', async () => {
    const database = await freshDatabase();
    const holder = await holdLock(database.url);
    cleanups.push(() => holder.client.end());
    const waiting = await newMigrator(database.url, 'vault-backup-replica-patient');
    const onWait = jest.fn();

    const run = runMigrations(waiting, { lockTimeoutMs: 30_000, pollIntervalMs: 50, onWait });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(onWait).toHaveBeenCalledTimes(1);
    expect(await schemaMigrationsExists(database.dataSource)).toBe(false);

    await holder.client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);

    await expect(run).resolves.toEqual(ALL_NAMES);
    expect(await appliedMigrationNames(database.dataSource)).toEqual(ALL_NAMES);
    expect(await advisoryLocksHeld(database.dataSource)).toBe(0);
  });

  it('releases the lock when a migration fails, so the next migrator is not blocked', async () => {
    const database = await freshDatabase();
    // A table the first migration creates, so it fails; the next migrator must still get the lock.
    const first = new MIGRATIONS[0]();
    await database.dataSource.query('CREATE TABLE backup_configuration (id int)');
    const failing = await newMigrator(database.url, 'vault-backup-replica-failing');
    // TypeORM logs the failed migration on the console even with logging off.
    const console = jest.spyOn(global.console, 'log').mockImplementation(() => undefined);
    cleanups.push(async () => console.mockRestore());

    await expect(runMigrations(failing, { lockTimeoutMs: 5_000 })).rejects.toThrow();
    expect(await advisoryLocksHeld(database.dataSource)).toBe(0);
    expect(await appliedMigrationNames(database.dataSource)).not.toContain(first.name);
  });
});
