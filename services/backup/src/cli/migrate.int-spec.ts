import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { MIGRATION_LOCK_KEY, MIGRATIONS } from '@vault-backup/persistence';
import { createTestDatabase, REPO_ROOT, type TestDatabase } from '@vault-backup/testing';

interface Run {
  readonly code: number;
  readonly output: string;
}

/** `npm run db:migrate` / the Helm migration Job, as a process of its own (the way scripts/migrate.sh starts it). */
function runMigrateCli(databaseUrl: string, lockTimeout: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', '@swc-node/register', join('services', 'backup', 'src', 'cli', 'migrate.ts')],
      {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: databaseUrl,
          DATABASE_MIGRATION_LOCK_TIMEOUT: lockTimeout,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

describe('npm run db:migrate (the migration Job) on a real PostgreSQL', () => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase({ migrate: false });
  });

  afterEach(async () => {
    await database?.drop();
  });

  it('three copies started together all exit 0 and apply each migration once', async () => {
    const runs = await Promise.all([1, 2, 3].map(() => runMigrateCli(database.url, '60s')));

    expect(runs.map((run) => run.code)).toEqual([0, 0, 0]);
    expect(runs.filter((run) => run.output.includes('"msg":"migrations applied"'))).toHaveLength(1);
    const rows = await database.dataSource.query<Array<{ name: string; times: number }>>(
      'SELECT name, count(*)::int AS times FROM schema_migrations GROUP BY name',
    );
    expect(rows).toHaveLength(MIGRATIONS.length);
    expect(rows.every((row) => row.times === 1)).toBe(true);
  });

  it('exits 1 naming the lock and its holder when another session keeps the lock past DATABASE_MIGRATION_LOCK_TIMEOUT', async () => {
    const holder = new Client({ connectionString: database.url, application_name: 'stuck-migrator' });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);

      const run = await runMigrateCli(database.url, '1s');

      expect(run.code).toBe(1);
      expect(run.output).toContain('another migrator holds the migration lock; waiting for it');
      expect(run.output).toMatch(
        /migration failed: MigrationLockTimeoutError: could not take the migration lock \(pg_advisory_lock\(\d+\)\) within 1000 ms: held by pid \d+ \(application 'stuck-migrator'/,
      );
    } finally {
      await holder.end();
    }
  });
});
