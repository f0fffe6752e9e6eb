import { Test } from '@nestjs/testing';
import { type Registry } from 'prom-client';
import { MetricsController } from './metrics.controller';
import { MetricsModule } from './metrics.module';
import { METRICS_REGISTRY } from './metrics.tokens';

async function start(): Promise<{
  controller: MetricsController;
  registry: Registry;
  close: () => Promise<void>;
}> {
  const moduleRef = await Test.createTestingModule({ imports: [MetricsModule] }).compile();
  return {
    controller: moduleRef.get(MetricsController),
    registry: moduleRef.get<Registry>(METRICS_REGISTRY),
    close: () => moduleRef.close(),
  };
}

describe('MetricsModule', () => {
  const saved = { version: process.env.VAULT_BACKUP_VERSION, revision: process.env.VAULT_BACKUP_REVISION };

  afterEach(() => {
    for (const [name, value] of [
      ['VAULT_BACKUP_VERSION', saved.version],
      ['VAULT_BACKUP_REVISION', saved.revision],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('serves the standard process/Node.js metrics and the build info from the environment on /metrics', async () => {
    process.env.VAULT_BACKUP_VERSION = '9.8.7';
    process.env.VAULT_BACKUP_REVISION = '0123abc';
    const app = await start();
    try {
      const scrape = await app.controller.scrape();

      expect(scrape).toMatch(/^# TYPE process_cpu_seconds_total counter$/m);
      expect(scrape).toMatch(/^# TYPE process_resident_memory_bytes gauge$/m);
      expect(scrape).toMatch(/^# TYPE nodejs_heap_size_used_bytes gauge$/m);
      expect(scrape).toMatch(/^# TYPE nodejs_eventloop_lag_p99_seconds gauge$/m);
      expect(scrape).not.toMatch(/vault_backup_(process|nodejs)_/);
      expect(scrape).toContain(
        `vault_backup_build_info{version="9.8.7",revision="0123abc",node_version="${process.version}"} 1\n`,
      );
    } finally {
      await app.close();
    }
  });

  it('gives each application instance its own registry', async () => {
    const first = await start();
    const second = await start();
    try {
      expect(first.registry).not.toBe(second.registry);
      expect(await first.controller.scrape()).toMatch(/^# TYPE process_cpu_seconds_total counter$/m);
      expect(await second.controller.scrape()).toMatch(/^# TYPE process_cpu_seconds_total counter$/m);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
