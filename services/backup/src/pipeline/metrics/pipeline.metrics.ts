import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX } from '@vault-backup/observability';
import { type OutcomeKind } from '../domain/backup-outcome';
import { ConsumerProgressMetrics } from './consumer-progress.metrics';

/**
 * What SREs need to explain the pipeline: outcomes, dead letters, write efficiency, lag and the
 * retry backlog. Labels are low-cardinality only (topic, partition, outcome, class): never a
 * workspace or account id.
 */
export class PipelineMetrics {
  readonly eventsProcessed: Counter<'topic' | 'outcome'>;
  readonly deadLetters: Counter<'error_class'>;
  /** Incremented by the dead-letter publisher each time a publish attempt fails. */
  readonly deadLetterPublishFailures: Counter<'reason'>;
  readonly cyberArkWrites: Counter;
  readonly appliedAccounts: Counter;
  readonly batchDuration: Histogram<'topic'>;
  readonly batchSize: Histogram;
  /** Per-partition lag, commit age and pause, computed at scrape time from the consumer itself. */
  readonly consumerProgress: ConsumerProgressMetrics;
  readonly pendingBackups: Gauge;
  readonly pendingOldestAge: Gauge;
  readonly pendingBudgetUsed: Gauge;
  readonly retryAttempts: Counter<'outcome'>;
  readonly persistFailures: Counter;
  readonly consumerUp: Gauge;
  readonly fetchPaused: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.eventsProcessed = new Counter({
      name: `${METRIC_PREFIX}events_processed_total`,
      help: 'Account event records handled, by final outcome (applied, superseded, skipped, deferred, failed).',
      labelNames: ['topic', 'outcome'],
      registers,
    });
    this.deadLetters = new Counter({
      name: `${METRIC_PREFIX}dead_letter_total`,
      help: 'Records sent to the dead-letter topic, by error class.',
      labelNames: ['error_class'],
      registers,
    });
    this.deadLetterPublishFailures = new Counter({
      name: `${METRIC_PREFIX}dead_letter_publish_failures_total`,
      help: 'Failed attempts to publish a record to the dead-letter topic, by reason (the batch retries them).',
      labelNames: ['reason'],
      registers,
    });
    this.cyberArkWrites = new Counter({
      name: `${METRIC_PREFIX}cyberark_writes_total`,
      help: 'CyberArk write requests (add, patch, password update) made by the pipeline.',
      registers,
    });
    this.appliedAccounts = new Counter({
      name: `${METRIC_PREFIX}applied_versions_total`,
      help: 'Account versions applied to CyberArk (including those that needed no write).',
      registers,
    });
    this.batchDuration = new Histogram({
      name: `${METRIC_PREFIX}batch_duration_seconds`,
      help: 'Time to take one Kafka batch to durable outcomes and commit it.',
      labelNames: ['topic'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.batchSize = new Histogram({
      name: `${METRIC_PREFIX}batch_records`,
      help: 'Records per Kafka batch.',
      buckets: [1, 5, 10, 50, 100, 250, 500, 1000, 5000],
      registers,
    });
    this.consumerProgress = new ConsumerProgressMetrics(registry);
    this.pendingBackups = new Gauge({
      name: `${METRIC_PREFIX}pending_backups`,
      help: 'Accounts parked after a transient failure, waiting for another attempt.',
      registers,
    });
    this.pendingOldestAge = new Gauge({
      name: `${METRIC_PREFIX}pending_oldest_age_seconds`,
      help: 'Age of the oldest parked backup (compare with the retry budget).',
      registers,
    });
    this.pendingBudgetUsed = new Gauge({
      name: `${METRIC_PREFIX}pending_retry_budget_used_ratio`,
      help: 'Largest share of its workspace retry budget used by any parked backup (1 = it will be dead-lettered).',
      registers,
    });
    this.retryAttempts = new Counter({
      name: `${METRIC_PREFIX}retry_attempts_total`,
      help: 'Attempts on parked backups by the retry worker, by outcome.',
      labelNames: ['outcome'],
      registers,
    });
    this.persistFailures = new Counter({
      name: `${METRIC_PREFIX}persist_failures_total`,
      help: 'Failed attempts to store batch outcomes in PostgreSQL (retried with backoff).',
      registers,
    });
    this.consumerUp = new Gauge({
      name: `${METRIC_PREFIX}consumer_up`,
      help: '1 while the Kafka consumer is running (or rebalancing), 0 otherwise.',
      registers,
    });
    this.fetchPaused = new Gauge({
      name: `${METRIC_PREFIX}fetch_paused`,
      help: '1 while fetching is paused for backpressure (outcomes cannot be stored).',
      registers,
    });
  }

  countOutcome(topic: string, outcome: OutcomeKind, count = 1): void {
    this.eventsProcessed.inc({ topic, outcome }, count);
  }
}
