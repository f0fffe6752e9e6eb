import { type DataSource } from 'typeorm';
import { DependencyUnavailableError } from '@vault-backup/errors';

/** Readiness probe: one round trip with a short deadline. */
export async function checkDatabase(dataSource: DataSource, timeoutMs = 2_000): Promise<void> {
  if (!dataSource.isInitialized) throw new DependencyUnavailableError('postgresql', 'not connected');
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DependencyUnavailableError('postgresql', `no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([dataSource.query('SELECT 1'), deadline]);
  } catch (error) {
    if (error instanceof DependencyUnavailableError) throw error;
    throw new DependencyUnavailableError('postgresql', 'health query failed', { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
