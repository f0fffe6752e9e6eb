import { type Logger } from 'pino';

/**
 * Process warnings go to the structured log instead of raw stderr. One is dropped: kafkajs 2.2.4
 * (unmaintained) schedules its throttle check with a negative delay when nothing is pending, which
 * Node 24 reports as TimeoutNegativeWarning on every such call; Node clamps the delay to 1 ms, so
 * it is harmless noise (kafkajs src/network/requestQueue/index.js, scheduleCheckPendingRequests).
 */
export function routeProcessWarnings(logger: Logger): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'TimeoutNegativeWarning') return;
    logger.warn({ warning: { name: warning.name, message: warning.message } }, 'process warning');
  });
}
