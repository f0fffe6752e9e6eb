export * from './logging/redaction';
export * from './logging/logger.factory';
export * from './metrics/metrics.registry';
