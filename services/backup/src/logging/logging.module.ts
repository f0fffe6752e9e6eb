import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { buildLoggerOptions } from '@vault-backup/observability';
import { BACKUP_CONFIG, type BackupConfig } from '../config/backup.config';

const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

/** JSON logs through pino for Nest, HTTP requests and our own code; probes and scrapes are not logged. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [BACKUP_CONFIG],
      useFactory: (config: BackupConfig) => ({
        pinoHttp: {
          ...buildLoggerOptions({ name: 'vault-backup', level: config.logLevel }),
          autoLogging: { ignore: (request) => QUIET_PATHS.has(request.url ?? '') },
          quietReqLogger: true,
          customProps: () => ({ component: 'http' }),
        },
      }),
    }),
  ],
})
export class LoggingModule {}
