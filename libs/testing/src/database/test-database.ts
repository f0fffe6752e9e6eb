import { Client } from 'pg';
import { type DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '@vault-backup/persistence';
import { uniqueName } from '../support/unique-name';

export interface TestDatabase {
  readonly url: string;
  readonly dataSource: DataSource;
  drop(): Promise<void>;
}

function requireDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error('DATABASE_URL is not set: run integration tests through jest so the stack starts');
  return url;
}

/**
 * A database of its own for one test file, migrated with the real migrations: tests never see
 * each other's rows and can run in any order, any number of times.
 */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = requireDatabaseUrl();
  const name = uniqueName('vbtest').replace(/-/g, '_');
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = withDatabase(adminUrl, name);
  const dataSource = createDataSource({
    url,
    poolSize: 10,
    applicationName: 'vault-backup-test',
    statementTimeoutMs: 30_000,
  });
  await dataSource.initialize();
  if (options.migrate ?? true) await runMigrations(dataSource);
  return {
    url,
    dataSource,
    drop: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await withAdminClient(adminUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      );
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function withAdminClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
