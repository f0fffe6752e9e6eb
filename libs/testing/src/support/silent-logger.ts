import pino, { type Logger } from 'pino';

/** A real pino logger that writes nowhere, for code under test that wants one. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
