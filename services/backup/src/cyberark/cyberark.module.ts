import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { type Registry } from 'prom-client';
import { CyberArkClientFactory } from '@vault-backup/cyberark';
import { type TenantUrlPolicy } from '@vault-backup/url-policy';
import { TENANT_URL_POLICY } from '../admin/admin.tokens';
import { BACKUP_CONFIG, type BackupConfig } from '../config/backup.config';
import { METRICS_REGISTRY } from '../metrics/metrics.tokens';
import { CyberArkMetricsObserver } from './cyberark-metrics.observer';
import { CYBERARK_CLIENT_FACTORY } from './cyberark.tokens';

/** One CyberArk client per tenant for the whole process: the pipeline and the admin API share breakers and tokens. */
@Global()
@Module({
  providers: [
    {
      provide: CYBERARK_CLIENT_FACTORY,
      inject: [BACKUP_CONFIG, METRICS_REGISTRY, TENANT_URL_POLICY],
      // Every connection, the pipeline's included, goes through the tenant-URL policy (resolve-then-connect).
      useFactory: (config: BackupConfig, registry: Registry, policy: TenantUrlPolicy) =>
        new CyberArkClientFactory({
          network: policy.networkOptions(),
          timeoutMs: config.cyberark.requestTimeoutMs,
          retry: { retries: config.cyberark.retries, maxRetryTimeMs: config.cyberark.maxRetryTimeMs },
          breaker: {
            errorThresholdPercentage: config.cyberark.breaker.errorThresholdPercentage,
            volumeThreshold: config.cyberark.breaker.volumeThreshold,
            resetTimeoutMs: config.cyberark.breaker.resetTimeoutMs,
          },
          observer: new CyberArkMetricsObserver(registry),
        }),
    },
  ],
  exports: [CYBERARK_CLIENT_FACTORY],
})
export class CyberArkModule implements OnApplicationShutdown {
  constructor(@Inject(CYBERARK_CLIENT_FACTORY) private readonly factory: CyberArkClientFactory) {}

  onApplicationShutdown(): void {
    this.factory.disposeAll();
  }
}
