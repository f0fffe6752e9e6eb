import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { type BackupConfig } from './config/backup.config';

/**
 * Builds and starts the whole service (HTTP API, consumer, database, Kafka). Used by main.ts and
 * by the end-to-end tests, which run several instances in one process.
 */
export async function startBackupService(config: BackupConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  await app.listen(config.http.port, config.http.host);
  return app;
}
