import { type DataSource } from 'typeorm';
import {
  type DataKeyPageQuery,
  type DataKeyRecord,
  type DataKeyStore,
  type DataKeyWrapping,
  type NewDataKey,
} from '@vault-backup/crypto';
import { translateDatabaseError } from '@vault-backup/persistence';

interface DataKeyRow {
  id: string;
  scope: string;
  service_kid: string;
  service_wrapped: Buffer;
  workspace_kid: string | null;
  workspace_wrapped: Buffer | null;
  key_check: Buffer;
  created_at: Date;
  rewrapped_at: Date | null;
  revision: number;
}

const COLUMNS = `id, scope, service_kid, service_wrapped, workspace_kid, workspace_wrapped, key_check, created_at,
  rewrapped_at, revision`;

/** The envelope cipher's data keys in PostgreSQL (`data_key`), wrapped; errors translated to typed ones. */
export class PgDataKeyStore implements DataKeyStore {
  constructor(private readonly dataSource: DataSource) {}

  async insert(dataKey: NewDataKey): Promise<void> {
    await this.query(
      'storing a data key',
      `INSERT INTO data_key (id, scope, service_kid, service_wrapped, workspace_kid, workspace_wrapped, key_check)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [dataKey.id, dataKey.scope, ...wrappingParameters(dataKey), Buffer.from(dataKey.keyCheck)],
    );
  }

  async find(id: string): Promise<DataKeyRecord | undefined> {
    const rows = await this.query<DataKeyRow[]>(
      'reading a data key',
      `SELECT ${COLUMNS} FROM data_key WHERE id = $1`,
      [id],
    );
    return rows[0] && toRecord(rows[0]);
  }

  async page({ scope, afterId, limit }: DataKeyPageQuery): Promise<DataKeyRecord[]> {
    const rows = await this.query<DataKeyRow[]>(
      'paging through data keys',
      `SELECT ${COLUMNS} FROM data_key
        WHERE ($1::text IS NULL OR scope = $1) AND ($2::uuid IS NULL OR id > $2)
        ORDER BY id LIMIT $3`,
      [scope ?? null, afterId ?? null, limit],
    );
    return rows.map(toRecord);
  }

  async rewrap(id: string, revision: number, wrapping: DataKeyWrapping): Promise<boolean> {
    const [rows] = await this.query<[{ id: string }[], number]>(
      're-wrapping a data key',
      `UPDATE data_key
          SET service_kid = $3, service_wrapped = $4, workspace_kid = $5, workspace_wrapped = $6,
              rewrapped_at = now(), revision = revision + 1
        WHERE id = $1 AND revision = $2
       RETURNING id`,
      [id, revision, ...wrappingParameters(wrapping)],
    );
    return rows.length === 1;
  }

  private async query<T>(what: string, sql: string, parameters: unknown[]): Promise<T> {
    try {
      return await this.dataSource.query<T>(sql, parameters);
    } catch (error) {
      throw translateDatabaseError(error, what);
    }
  }
}

function wrappingParameters({ service, workspace }: DataKeyWrapping): unknown[] {
  return [
    service.kid,
    Buffer.from(service.wrapped),
    workspace?.kid ?? null,
    workspace ? Buffer.from(workspace.wrapped) : null,
  ];
}

function toRecord(row: DataKeyRow): DataKeyRecord {
  return {
    id: row.id,
    scope: row.scope,
    service: { kid: row.service_kid, wrapped: new Uint8Array(row.service_wrapped) },
    workspace:
      row.workspace_kid !== null && row.workspace_wrapped !== null
        ? { kid: row.workspace_kid, wrapped: new Uint8Array(row.workspace_wrapped) }
        : null,
    keyCheck: new Uint8Array(row.key_check),
    createdAt: row.created_at,
    rewrappedAt: row.rewrapped_at,
    revision: row.revision,
  };
}
