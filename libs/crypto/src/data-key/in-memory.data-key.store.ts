import {
  type DataKeyPageQuery,
  type DataKeyRecord,
  type DataKeyStore,
  type DataKeyWrapping,
  type NewDataKey,
} from './data-key.store.port';

/**
 * {@link DataKeyStore} in memory, with the PostgreSQL store's semantics (unique ids, revision-guarded
 * re-wraps, id-ordered pages). For tests and tools that run in one process; data keys die with it.
 */
export class InMemoryDataKeyStore implements DataKeyStore {
  readonly rows = new Map<string, DataKeyRecord>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  insert(dataKey: NewDataKey): Promise<void> {
    if (this.rows.has(dataKey.id)) return Promise.reject(new Error(`data key ${dataKey.id} exists`));
    this.rows.set(dataKey.id, { ...dataKey, createdAt: this.now(), rewrappedAt: null, revision: 1 });
    return Promise.resolve();
  }

  find(id: string): Promise<DataKeyRecord | undefined> {
    return Promise.resolve(this.rows.get(id));
  }

  page({ scope, afterId, limit }: DataKeyPageQuery): Promise<DataKeyRecord[]> {
    const rows = [...this.rows.values()]
      .filter(
        (row) => (scope === undefined || row.scope === scope) && (afterId === undefined || row.id > afterId),
      )
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, limit);
    return Promise.resolve(rows);
  }

  rewrap(id: string, revision: number, wrapping: DataKeyWrapping): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.revision !== revision) return Promise.resolve(false);
    this.rows.set(id, { ...row, ...wrapping, rewrappedAt: this.now(), revision: revision + 1 });
    return Promise.resolve(true);
  }
}
