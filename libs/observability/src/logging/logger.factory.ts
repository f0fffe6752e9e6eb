import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { REDACTED_LOG_PATHS, REDACTION_CENSOR } from './redaction';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface LoggerSettings {
  readonly name: string;
  readonly level: LogLevel;
  /** Extra fields on every line, e.g. the service version. */
  readonly base?: Record<string, string>;
}

export function buildLoggerOptions(settings: LoggerSettings): LoggerOptions {
  return {
    name: settings.name,
    level: settings.level,
    base: { service: settings.name, ...settings.base },
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: [...REDACTED_LOG_PATHS], censor: REDACTION_CENSOR },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
  };
}

/** Structured JSON logger for code that runs outside Nest's DI (scripts, bootstrap, child processes). */
export function createLogger(settings: LoggerSettings, destination?: DestinationStream): Logger {
  return destination ? pino(buildLoggerOptions(settings), destination) : pino(buildLoggerOptions(settings));
}
