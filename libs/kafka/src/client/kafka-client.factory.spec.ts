import { logLevel } from 'kafkajs';
import { pinoLevelOf } from './kafka-client.factory';

describe('kafkajs log levels', () => {
  it('logs rebalance steps at INFO, even those kafkajs logs at ERROR', () => {
    expect(
      pinoLevelOf(logLevel.ERROR, 'The coordinator is not aware of this member, re-joining the group'),
    ).toBe('info');
    expect(pinoLevelOf(logLevel.WARN, 'The group is rebalancing, re-joining')).toBe('info');
  });

  it('logs an unreachable broker as a warning (the service reports the outage itself)', () => {
    expect(pinoLevelOf(logLevel.ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:9')).toBe('warn');
    expect(
      pinoLevelOf(logLevel.ERROR, 'Failed to connect to seed broker, trying another broker from the list'),
    ).toBe('warn');
  });

  it('keeps errors errors, and moves its INFO chatter to DEBUG', () => {
    expect(pinoLevelOf(logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded')).toBe('error');
    expect(pinoLevelOf(logLevel.WARN, 'Connection timeout')).toBe('warn');
    expect(pinoLevelOf(logLevel.INFO, 'Consumer has joined the group')).toBe('debug');
  });
});
