import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { authenticateBeforeParsing, HTTP_APP_OPTIONS } from './admin/auth/authenticate-first';
import { setupOpenApiUi } from './admin/openapi/openapi-ui';
import { AppModule } from './app.module';
import { type BackupConfig } from './config/backup.config';
import { KafkaBatchTransport } from './pipeline/transport/kafka-batch.transport';

/**
 * Builds and starts the whole service: HTTP (health, metrics, admin API) first so probes answer
 * during start-up, then the Kafka consumer as a Nest microservice. Used by main.ts and by the
 * end-to-end tests, which may run several instances in one process.
 */
export async function startBackupService(config: BackupConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    ...HTTP_APP_OPTIONS,
    // Until pino takes over (below), Nest's own console logger stays silent: a dependency down at
    // start-up is reported once, as one JSON line by main.ts, not as coloured lines and a stack trace.
    logger: false,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  authenticateBeforeParsing(app);
  await setupOpenApiUi(app);
  app.connectMicroservice({ strategy: app.get(KafkaBatchTransport) }, { inheritAppConfig: true });
  await app.listen(config.http.port, config.http.host);
  await app.startAllMicroservices();
  return app;
}
