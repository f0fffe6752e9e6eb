import { type Registry } from 'prom-client';
import { CyberArkClientFactory } from '@vault-backup/cyberark';
import { type TenantUrlPolicy } from '@vault-backup/url-policy';
import { type BackupConfig } from '../../../src/config/backup.config';
import { CyberArkMetricsObserver } from '../../../src/cyberark/cyberark-metrics.observer';

/**
 * CyberArkModule's client factory plus the tenant URL policy on every connection: the wiring the
 * lead is asked to make in services/backup/src/cyberark/cyberark.module.ts.
 */
export function guardedClientFactory(
  config: BackupConfig,
  registry: Registry,
  policy: TenantUrlPolicy,
): CyberArkClientFactory {
  return new CyberArkClientFactory({
    timeoutMs: config.cyberark.requestTimeoutMs,
    retry: { retries: config.cyberark.retries, maxRetryTimeMs: config.cyberark.maxRetryTimeMs },
    breaker: {
      errorThresholdPercentage: config.cyberark.breaker.errorThresholdPercentage,
      volumeThreshold: config.cyberark.breaker.volumeThreshold,
      resetTimeoutMs: config.cyberark.breaker.resetTimeoutMs,
    },
    observer: new CyberArkMetricsObserver(registry),
    network: policy.networkOptions(),
  });
}
