import { join } from 'node:path';
import { requireBrokers } from '@vault-backup/testing';
import {
  NAIVE_ENV,
  NAIVE_READY_EVENT,
  NAIVE_STATE_DDL,
  NAIVE_STATE_TABLE,
  type NaiveTarget,
} from '../naive/naive-env';
import { BENCH_PLATFORM, BENCH_SAFE, BenchEnvironment } from '../support/bench-environment';
import { type BenchSettings } from '../support/bench-settings';
import { spawnNodeChild } from '../support/node-child';
import { measureConsumer } from './measure-consumer';
import { type ScenarioResult } from './scenario-result';

const NAIVE_MAIN = join('bench', 'naive', 'naive-nest.main.ts');

/**
 * C: the naive baseline (built-in Nest Kafka transport, one message at a time, one CyberArk call
 * and one upsert per message) at the same CyberArk latency as B, on fewer events.
 */
export async function runNaiveScenario(settings: BenchSettings): Promise<ScenarioResult> {
  const environment = await BenchEnvironment.create({
    label: 'naive',
    tenants: settings.tenants,
    partitions: settings.partitions,
    simulators: 1,
    latencyMs: settings.latencyMs,
  });
  try {
    await environment.database.dataSource.query(NAIVE_STATE_DDL);
    const produced = await environment.produce(settings.naiveAccounts, settings.updatesPerAccount);
    const targets: NaiveTarget[] = environment.tenants.map((tenant) => ({
      workspaceId: tenant.workspaceId,
      identityUrl: tenant.identityUrl,
      privilegeCloudUrl: tenant.privilegeCloudUrl,
      clientId: tenant.clientId,
      clientSecret: tenant.clientSecret,
      safeName: BENCH_SAFE,
      platformId: BENCH_PLATFORM,
    }));
    return await measureConsumer({
      scenario: 'naive',
      title: `C: naive Nest consumer, CyberArk ${settings.latencyMs} ms`,
      consumer: 'naive NestJS consumer',
      launch: 'source',
      warnings: [],
      environment,
      produced,
      sizes: {
        accounts: settings.naiveAccounts,
        updatesPerAccount: settings.updatesPerAccount,
        events: produced.events,
        tenants: settings.tenants,
        partitions: settings.partitions,
        simulators: 1,
        latencyMs: settings.latencyMs,
      },
      stateTable: NAIVE_STATE_TABLE,
      timeoutMs: settings.scenarioTimeoutMs,
      stallMs: settings.stallMs,
      spawn: () =>
        spawnNodeChild({
          label: 'naive consumer',
          args: ['-r', '@swc-node/register', NAIVE_MAIN],
          env: {
            [NAIVE_ENV.brokers]: requireBrokers().join(','),
            [NAIVE_ENV.createdTopic]: environment.topics.created,
            [NAIVE_ENV.updatedTopic]: environment.topics.updated,
            [NAIVE_ENV.groupId]: `${environment.topics.created}-group`,
            [NAIVE_ENV.databaseUrl]: environment.database.url,
            [NAIVE_ENV.targets]: JSON.stringify(targets),
          },
          readyWhen: (line) => line.event === NAIVE_READY_EVENT,
        }),
    });
  } finally {
    await environment.close({ keepDatabase: settings.keepDatabase });
  }
}
