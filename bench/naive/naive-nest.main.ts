import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import { logLevel } from 'kafkajs';
import { NAIVE_READY_EVENT } from './naive-env';
import { naiveKafkaOptions, NaiveModule } from './naive-nest.consumer';

/** Entry point of the naive baseline child process (spawned by the bench). */
async function main(): Promise<void> {
  const kafka = naiveKafkaOptions();
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(NaiveModule, {
    transport: Transport.KAFKA,
    options: {
      client: { brokers: kafka.brokers, clientId: 'vault-backup-naive', logLevel: logLevel.WARN },
      // The transport appends "-server" to the group id.
      consumer: { groupId: kafka.groupId, allowAutoTopicCreation: false },
      subscribe: { fromBeginning: true },
      // decodeAccountEvent reads the raw value; keep the transport from JSON-parsing it.
      parser: { keepBinary: true },
    },
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  // Resolves once the consumer has joined its group and runs (ServerKafka.start → consumer.run).
  await app.listen();
  process.stdout.write(`${JSON.stringify({ event: NAIVE_READY_EVENT, pid: process.pid })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `naive consumer failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
