import { type DataSource, type EntityManager } from 'typeorm';
import { translateDatabaseError } from '../errors/database-error.translator';

/**
 * Queries whose errors come out translated (an outage retriable, anything else permanent), named by
 * `what` they were doing: the one way stores run SQL, so no store forgets the translation.
 */
export class TranslatedQueries {
  constructor(private readonly dataSource: DataSource) {}

  /** The rows of a SELECT (or of a statement TypeORM answers with rows). */
  async rows<T>(sql: string, parameters: unknown[], what: string): Promise<T[]> {
    try {
      return await this.dataSource.query<T[]>(sql, parameters);
    } catch (error) {
      throw translateDatabaseError(error, what);
    }
  }

  /** The rows of an UPDATE … RETURNING (TypeORM answers `[rows, affected]` for it). */
  async updated<T>(sql: string, parameters: unknown[], what: string): Promise<T[]> {
    try {
      const [rows] = await this.dataSource.query<[T[], number]>(sql, parameters);
      return rows;
    } catch (error) {
      throw translateDatabaseError(error, what);
    }
  }

  async transaction<T>(what: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      throw translateDatabaseError(error, what);
    }
  }
}
