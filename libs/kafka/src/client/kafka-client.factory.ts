import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import { type Logger } from 'pino';
import { type Secret } from '@vault-backup/config';

export interface KafkaConnectionSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly ssl: boolean;
  readonly sasl?: {
    mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
    username: string;
    password: Secret;
  };
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
}

const PINO_LEVEL: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * A rebalance is routine (a replica joined, left or was fenced): kafkajs logs some of its steps at
 * ERROR ("The coordinator is not aware of this member, re-joining the group"), which would page for
 * nothing. They are logged at INFO.
 */
const REBALANCE_MESSAGE = /re-?joining the group|rebalanc/i;

/**
 * A broker that cannot be reached yet is a condition the service reports itself (readiness, and one
 * fatal line at start-up): kafkajs' own lines for each retry are warnings, without its stack trace.
 */
const CONNECTION_MESSAGE = /^(Connection error|Connection timeout|Failed to connect to seed broker)/i;

/** kafkajs logs through our structured logger, one level down so its chatter stays out of INFO. */
function logCreatorFor(logger: Logger): KafkaConfig['logCreator'] {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      if (CONNECTION_MESSAGE.test(message)) delete extra['stack'];
      logger[pinoLevelOf(level, message)]({ kafkajs: extra }, message);
    };
}

export function pinoLevelOf(level: logLevel, message: string): 'error' | 'warn' | 'info' | 'debug' {
  if (REBALANCE_MESSAGE.test(message) && (level === logLevel.ERROR || level === logLevel.WARN)) return 'info';
  if (CONNECTION_MESSAGE.test(message) && level === logLevel.ERROR) return 'warn';
  const target = PINO_LEVEL[level] ?? 'debug';
  return target === 'info' ? 'debug' : target;
}

function saslOptions(settings: KafkaConnectionSettings): SASLOptions | undefined {
  if (!settings.sasl) return undefined;
  const { mechanism, username, password } = settings.sasl;
  return { mechanism, username, password: password.reveal() };
}

export function createKafkaClient(settings: KafkaConnectionSettings, logger: Logger): Kafka {
  const sasl = saslOptions(settings);
  return new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    ssl: settings.ssl,
    ...(sasl ? { sasl } : {}),
    connectionTimeout: settings.connectionTimeoutMs ?? 3_000,
    requestTimeout: settings.requestTimeoutMs ?? 30_000,
    logLevel: logLevel.WARN,
    logCreator: logCreatorFor(logger.child({ component: 'kafkajs' })),
    retry: { initialRetryTime: 300, maxRetryTime: 30_000, retries: 8 },
  });
}
