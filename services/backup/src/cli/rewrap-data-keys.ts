import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type DataKeyRewrapper, type RewrapReport, type RewrapTarget } from '@vault-backup/crypto';
import { describeError } from '@vault-backup/errors';
import { createLogger } from '@vault-backup/observability';
import { type BackupConfig, loadBackupConfig } from '../config/backup.config';
import { ConfigModule } from '../config/config.module';
import { CryptoModule } from '../crypto/crypto.module';
import { DATA_KEY_REWRAPPER } from '../crypto/crypto.tokens';
import { DatabaseModule } from '../database/database.module';
import { MetricsModule } from '../metrics/metrics.module';

@Module({})
class RewrapModule {
  static forRoot(config: BackupConfig): DynamicModule {
    return {
      module: RewrapModule,
      imports: [ConfigModule.forRoot(config), MetricsModule, DatabaseModule, CryptoModule],
    };
  }
}

/**
 * Re-wraps data keys with the current service key (after a rotation of DATA_ENCRYPTION_KEYS or of the
 * service key in Key Vault) and each workspace's current key version, online: services keep running,
 * every token stays readable throughout, and running it again only retries what failed.
 */
export async function rewrapDataKeys(
  config: BackupConfig,
  target: RewrapTarget = 'all',
): Promise<RewrapReport> {
  const app = await NestFactory.createApplicationContext(RewrapModule.forRoot(config), { logger: false });
  try {
    return await app.get<DataKeyRewrapper>(DATA_KEY_REWRAPPER).rewrap(target);
  } finally {
    await app.close();
  }
}

/** `--workspace <id>` or `--service`; everything by default. */
export function targetOf(args: readonly string[]): RewrapTarget {
  const at = args.indexOf('--workspace');
  if (at >= 0) {
    const workspaceId = args[at + 1];
    if (workspaceId === undefined || workspaceId.startsWith('--'))
      throw new Error('--workspace needs a workspace id');
    return { workspaceId };
  }
  return args.includes('--service') ? 'service' : 'all';
}

async function main(): Promise<void> {
  const logger = createLogger({ name: 'vault-backup-rewrap', level: 'info' });
  const report = await rewrapDataKeys(loadBackupConfig(), targetOf(process.argv.slice(2)));
  const { failures, ...counts } = report;
  logger.info(
    counts,
    report.failed === 0 ? 'data keys re-wrapped' : 'some data keys could not be re-wrapped',
  );
  for (const failure of failures)
    logger.warn({ dataKeyId: failure.dataKeyId, reason: failure.reason }, 'not re-wrapped');
  if (report.failed > 0) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    createLogger({ name: 'vault-backup-rewrap', level: 'info' }).fatal(
      `re-wrap failed: ${describeError(error)}`,
    );
    process.exit(1);
  });
}
