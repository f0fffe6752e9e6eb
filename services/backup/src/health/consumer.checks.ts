import {
  type BatchConsumerPort,
  type ConsumerState,
  lagSeconds,
  type PartitionProgress,
  stalledForMs,
} from '@vault-backup/kafka';
import { type ConsumerSupervisor } from '../pipeline/consumer.supervisor';
import { type HealthCheck } from './health.registry';

/** Consumer states in which it fetches and commits (a rebalance is part of normal operation). */
export const SERVING_STATES: ReadonlySet<ConsumerState> = new Set(['running', 'rebalancing']);
/** Enough partitions to act on; the metrics have the rest. */
const LISTED_PARTITIONS = 5;

export interface ConsumerHealthSources {
  readonly consumer: Pick<BatchConsumerPort, 'state' | 'progress'>;
  readonly supervisor: Pick<ConsumerSupervisor, 'stuckReport' | 'fatalError'>;
  readonly stallAfterMs: number;
}

/**
 * Liveness: the consumer is gone for good, or the pipeline stayed stuck past its bound (the process
 * is exiting). Readiness: the consumer is not serving, the pipeline reported itself stuck, or a
 * partition with work has not committed for `stallAfterMs`. A caught-up, idle consumer is ready.
 */
export function consumerHealthChecks(sources: ConsumerHealthSources): HealthCheck[] {
  return [
    { name: 'consumer', kinds: ['live'], check: () => throwIfAny(livenessProblems(sources)) },
    { name: 'consumer', kinds: ['ready'], check: () => throwIfAny(readinessProblems(sources)) },
  ];
}

function livenessProblems({ consumer, supervisor }: ConsumerHealthSources): string[] {
  if (consumer.state === 'crashed') return ['the Kafka consumer crashed and will not restart'];
  const fatal = supervisor.fatalError();
  return fatal ? [fatal.message] : [];
}

function readinessProblems(sources: ConsumerHealthSources): string[] {
  const { consumer, supervisor, stallAfterMs } = sources;
  const problems: string[] = [];
  if (!SERVING_STATES.has(consumer.state)) problems.push(`the Kafka consumer is ${consumer.state}`);
  const stuck = supervisor.stuckReport();
  if (stuck) problems.push(`the pipeline is stuck since ${iso(stuck.since)}: ${stuck.error.message}`);
  const stalled = consumer.progress().filter((progress) => stalledForMs(progress) >= stallAfterMs);
  if (stalled.length > 0) problems.push(describeStall(stalled, stallAfterMs));
  return problems;
}

function describeStall(stalled: readonly PartitionProgress[], stallAfterMs: number): string {
  const listed = stalled.slice(0, LISTED_PARTITIONS).map(describePartition);
  const more = stalled.length - listed.length;
  return (
    `no commit for over ${seconds(stallAfterMs)} while behind or paused: ${listed.join(', ')}` +
    (more > 0 ? ` and ${more} more partition(s)` : '')
  );
}

function describePartition(progress: PartitionProgress): string {
  const details = [
    `${progress.lagRecords} records behind`,
    `oldest ${Math.round(lagSeconds(progress))}s old`,
    ...(progress.paused ? ['paused'] : []),
  ];
  return `${progress.topic}/${progress.partition} since ${iso(progress.waitingSince ?? progress.observedAt)} (${details.join(', ')})`;
}

function throwIfAny(problems: readonly string[]): void {
  if (problems.length > 0) throw new Error(problems.join('; '));
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function seconds(ms: number): string {
  return `${ms / 1000}s`;
}
