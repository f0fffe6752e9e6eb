import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BUILD_INFO_METRIC,
  buildInfoFromEnv,
  createMetricsRegistry,
  METRIC_PREFIX,
} from './metrics.registry';

const packageVersion = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

function typeOf(scrape: string, name: string): string | undefined {
  return new RegExp(`^# TYPE ${name} (\\S+)$`, 'm').exec(scrape)?.[1];
}

describe('createMetricsRegistry', () => {
  const build = { version: '1.2.3', revision: 'abc1234', nodeVersion: 'v24.0.0' };

  it('exports the default process/Node.js metrics under their standard names, without the service prefix', async () => {
    const scrape = await createMetricsRegistry({ defaultMetrics: true, buildInfo: build }).metrics();

    expect(typeOf(scrape, 'process_cpu_seconds_total')).toBe('counter');
    expect(typeOf(scrape, 'process_resident_memory_bytes')).toBe('gauge');
    expect(typeOf(scrape, 'process_start_time_seconds')).toBe('gauge');
    expect(typeOf(scrape, 'nodejs_heap_size_used_bytes')).toBe('gauge');
    expect(typeOf(scrape, 'nodejs_eventloop_lag_p99_seconds')).toBe('gauge');
    expect(scrape).not.toMatch(new RegExp(`^# TYPE ${METRIC_PREFIX}(process|nodejs)_`, 'm'));
  });

  it('exports vault_backup_build_info = 1 with version, revision and node_version', async () => {
    const registry = createMetricsRegistry({ defaultMetrics: true, buildInfo: build });
    const scrape = await registry.metrics();

    expect(BUILD_INFO_METRIC).toBe('vault_backup_build_info');
    expect(typeOf(scrape, BUILD_INFO_METRIC)).toBe('gauge');
    expect(scrape).toContain(
      'vault_backup_build_info{version="1.2.3",revision="abc1234",node_version="v24.0.0"} 1\n',
    );
    const metric = await registry.getSingleMetric(BUILD_INFO_METRIC)?.get();
    expect(metric?.values).toEqual([
      { value: 1, labels: { version: '1.2.3', revision: 'abc1234', node_version: 'v24.0.0' } },
    ]);
  });

  it('adds the default labels to the default metrics and the build info', async () => {
    const scrape = await createMetricsRegistry({
      defaultMetrics: true,
      buildInfo: build,
      labels: { replica: 'a' },
    }).metrics();

    expect(scrape).toMatch(/^process_cpu_seconds_total\{replica="a"\} /m);
    expect(scrape).toMatch(/^vault_backup_build_info\{[^}]*replica="a"[^}]*\} 1$/m);
  });

  it('gives every instance its own registry (several apps in one process do not collide)', async () => {
    const first = createMetricsRegistry({ defaultMetrics: true, buildInfo: build });
    const second = createMetricsRegistry({
      defaultMetrics: true,
      buildInfo: { ...build, version: '2.0.0' },
    });

    expect(first).not.toBe(second);
    expect(await first.metrics()).toContain('version="1.2.3"');
    expect(await second.metrics()).toContain('version="2.0.0"');
    expect(await second.metrics()).not.toContain('version="1.2.3"');
  });

  it('exports nothing without defaultMetrics', async () => {
    expect(await createMetricsRegistry({ defaultMetrics: false }).metrics()).toBe('\n');
  });
});

describe('buildInfoFromEnv', () => {
  it('reads VAULT_BACKUP_VERSION and VAULT_BACKUP_REVISION', () => {
    expect(buildInfoFromEnv({ VAULT_BACKUP_VERSION: '1.4.0', VAULT_BACKUP_REVISION: 'deadbeef' })).toEqual({
      version: '1.4.0',
      revision: 'deadbeef',
      nodeVersion: process.version,
    });
  });

  it("defaults to package.json's version and an unknown revision", () => {
    expect(buildInfoFromEnv({ VAULT_BACKUP_VERSION: ' ', VAULT_BACKUP_REVISION: '' })).toEqual({
      version: packageVersion,
      revision: 'unknown',
      nodeVersion: process.version,
    });
  });
});
