import { Global, Module } from '@nestjs/common';
import { type Registry } from 'prom-client';
import { createMetricsRegistry } from '@vault-backup/observability';
import { MetricsController } from './metrics.controller';
import { METRICS_REGISTRY } from './metrics.tokens';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    {
      provide: METRICS_REGISTRY,
      useFactory: (): Registry => createMetricsRegistry({ defaultMetrics: true }),
    },
  ],
  exports: [METRICS_REGISTRY],
})
export class MetricsModule {}
