import { AccountWorkload, mergeExpectations, uniqueName, waitFor } from '@vault-backup/testing';
import { AdversityHarness } from '../adversity/support/adversity.harness';
import { printScenarioReport, ZERO_TOTALS } from '../adversity/support/scenario-report';
import { ReadinessRecorder, type ReadinessSample } from './support/readiness-recorder';
import {
  assertNotTheSharedStack,
  DEFAULT_STACK_PORTS,
  type StackComponent,
  StackInstance,
} from './support/stack-instance';

const STACK_VARIABLES = ['DATABASE_URL', 'KAFKA_BROKERS', 'KAFKA4_BROKERS'] as const;
/**
 * How long one /health/ready call may take: the chart's readiness probe timeout. Every check answers
 * within the health registry's 2 s deadline, so a probe answers 503 during an outage instead of timing
 * out (before that deadline, a down broker kept the Kafka check waiting ~15 s behind kafkajs' retries).
 */
const READY_PROBE_TIMEOUT_MS = 5_000;
/** The readiness check that must fail while a component is down. */
const CHECK_OF: Record<StackComponent, string> = { kafka: 'kafka', postgres: 'postgresql' };

interface FaultScenario {
  readonly title: string;
  readonly component: StackComponent;
  /** From the stop command until the start command. */
  readonly downForMs: number;
  readonly seed: number;
}

/**
 * Issue 11, infrastructure faults: the Kafka broker stops for 30 s and comes back; PostgreSQL
 * restarts mid-run. The real service process must ride them out by itself (it never exits), its
 * readiness must say 503 while the component is down and 200 once it is back, and the simulator's
 * write log must show nothing lost, duplicated, rolled back, left stale or dead-lettered.
 *
 * These tests stop and start servers, so they run on a stack instance of their own (own state dir,
 * own ports), never on the shared local stack that other tests use at the same time.
 */
describe('infrastructure faults: Kafka and PostgreSQL restarts on a stack of their own', () => {
  let stack: StackInstance | undefined;
  const saved = Object.fromEntries(STACK_VARIABLES.map((name) => [name, process.env[name]]));

  beforeAll(async () => {
    stack = await StackInstance.start();
    assertNotTheSharedStack(stack.stateDir, stack.ports);
    // Everything the harness creates (database, topics, service env) now lands on this instance.
    process.env.DATABASE_URL = stack.databaseUrl;
    process.env.KAFKA_BROKERS = stack.kafkaBrokers;
    delete process.env.KAFKA4_BROKERS;
  }, 150_000);

  afterAll(async () => {
    for (const name of STACK_VARIABLES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await stack?.down();
  }, 120_000);

  it('runs on ports and a state dir other than the shared stack', () => {
    expect(stack).toBeDefined();
    const ports = Object.values(stack?.ports ?? {});
    for (const port of ports) expect(DEFAULT_STACK_PORTS).not.toContain(port);
    expect(process.env.KAFKA_BROKERS).toBe(`127.0.0.1:${stack?.ports.kafka}`);
    expect(process.env.DATABASE_URL).toContain(`127.0.0.1:${stack?.ports.pg}/`);
  });

  it(
    '(a) the Kafka broker stopped for 30 s: 503 while down, recovers by itself, nothing lost',
    () =>
      runFaultScenario({
        title: '(a) Kafka broker down 30 s',
        component: 'kafka',
        downForMs: 30_000,
        seed: 1101,
      }),
    180_000,
  );

  it(
    '(b) PostgreSQL restarted mid-run: 503 while down, recovers by itself, nothing lost',
    () =>
      runFaultScenario({
        title: '(b) PostgreSQL restart',
        component: 'postgres',
        downForMs: 10_000,
        seed: 1102,
      }),
    150_000,
  );

  async function runFaultScenario(scenario: FaultScenario): Promise<void> {
    if (!stack) throw new Error('the stack instance did not start');
    const instance = stack;
    const harness = await AdversityHarness.create({ partitions: 2 });
    let readiness: ReadinessRecorder | undefined;
    try {
      const workspaces = [uniqueName('wsi1'), uniqueName('wsi2')];
      for (const workspace of workspaces) await harness.enableWorkspace(workspace, uniqueName('tenant-i'));
      const workload = new AccountWorkload({
        seed: scenario.seed,
        workspaces,
        accountsPerWorkspace: 20,
        versions: 320,
      });
      const total = workload.plan().length;
      const service = await harness.startService();
      let exit: string | undefined;
      void service.process.exited.then((code) => {
        exit = `code ${code} signal ${service.process.child.signalCode}`;
      });
      readiness = new ReadinessRecorder(service.port, 250, READY_PROBE_TIMEOUT_MS);
      const recorder = readiness;
      await waitFor(() => recorder.latest()?.status === 200, {
        timeoutMs: 60_000,
        description: 'the service to be ready before the fault',
      });

      const producer = await harness.rawProducer();
      let sendFailures = 0;
      // The emitter keeps going through the fault: a send that fails is retried (the workload only
      // counts a record as sent once the broker acknowledged it).
      const emitting = (async () => {
        const started = Date.now();
        while (workload.remaining() > 0) {
          try {
            await workload.emit(producer, { topics: harness.topics, ratePerSecond: 16 });
          } catch {
            sendFailures++;
            await sleep(500);
          }
        }
        return Date.now() - started;
      })();

      await waitFor(() => workload.sentCount() >= total * 0.35, {
        timeoutMs: 60_000,
        description: '35% of the workload sent',
      });
      const sentAtFault = workload.sentCount();
      const faultAtMs = Date.now();
      await instance.stop(scenario.component);
      const stoppedAtMs = Date.now();
      const firstUnready = await waitFor(
        () => recorder.firstSince(stoppedAtMs, (sample) => sample.status !== 200),
        {
          timeoutMs: 30_000,
          intervalMs: 100,
          description: `readiness to drop once ${scenario.component} stopped`,
        },
      ).catch(() => undefined);
      await sleep(Math.max(0, faultAtMs + scenario.downForMs - Date.now()));
      const startingAtMs = Date.now();
      await instance.start(scenario.component);
      const backAtMs = Date.now();
      const readyAgain = await waitFor(
        () => recorder.firstSince(backAtMs, (sample) => sample.status === 200),
        {
          timeoutMs: 90_000,
          intervalMs: 100,
          description: `readiness to recover once ${scenario.component} is back`,
        },
      ).catch(() => undefined);

      const emissionMs = await emitting;
      const convergence = await harness.waitForConvergence(workload, {
        timeoutMs: 90_000,
        sinceMs: backAtMs,
      });
      await recorder.stop();
      const expectations = mergeExpectations(workload);
      const check = await harness.checkHistory({
        ...expectations,
        describeDeadLetter: (message) => workload.describeDeadLetter(message),
      });
      // Asked once the component was stopped, answered before it was started again.
      const whileDown = recorder.between(stoppedAtMs, startingAtMs);
      const answeredAt = (sample: ReadinessSample) => sample.atMs + sample.tookMs;
      // Readiness by answer time: the first answer other than 200 after the stop (a probe asked just
      // before it counts too) until the first 200 asked after the start.
      const firstNotReady = recorder.samples.find(
        (sample) => answeredAt(sample) >= stoppedAtMs && sample.status !== 200,
      );
      const unreadyMs =
        firstNotReady && readyAgain ? answeredAt(readyAgain) - answeredAt(firstNotReady) : undefined;
      const notReadyAfterStart = recorder.firstSince(backAtMs, (sample) => sample.status !== 200);
      const live = await fetch(`http://127.0.0.1:${service.port}/health/live`).then(
        (response) => response.status,
      );
      printScenarioReport(`infrastructure ${scenario.title}`, {
        workload: workload.stats(),
        timings: {
          emission: emissionMs,
          'component down (stop → start command)': startingAtMs - faultAtMs,
          'start command took': backAtMs - startingAtMs,
          'first non-200 answered after the stop': firstNotReady
            ? answeredAt(firstNotReady) - stoppedAtMs
            : 'never',
          'readiness not 200 (first non-200 → first 200 after the start)': unreadyMs ?? 'not measured',
          'first 200 answered after the start': readyAgain ? answeredAt(readyAgain) - backAtMs : 'never',
          'convergence after the start': convergence.elapsedMs,
          'last write after the start': convergence.lastWriteAfterMs,
        },
        facts: {
          fault: `${scenario.component} stopped at ${sentAtFault}/${total} sent`,
          'readiness while down': summarize(whileDown),
          'readiness timeline (answered, ms after the stop)': timeline(
            recorder.between(stoppedAtMs - 1_000),
            stoppedAtMs,
          ),
          'first answer while down': firstUnready?.body.slice(0, 400),
          'first non-200 after the start': notReadyAfterStart?.body.slice(0, 400),
          'failed sends (retried)': sendFailures,
          'service exited': exit ?? 'no',
          'service warnings and errors': logMessages(service.process.output()),
          'liveness at the end': live,
          converged: convergence.converged,
          ...convergence.state,
        },
        check,
        stored: await harness.describeStoredState(check.offending.slice(0, 5)),
        logs: harness.serviceLogTail(25),
      });
      if (!readyAgain || !convergence.converged || exit)
        console.info(
          `${scenario.component} log tail:\n${await instance.logTail(scenario.component)}\n` +
            `service log tail:\n${harness.serviceLogTail(40)}`,
        );

      expect(exit).toBeUndefined();
      expect(firstUnready?.status).toBe(503);
      expect(whileDown.length).toBeGreaterThan(0);
      expect(whileDown.filter((sample) => sample.status !== 503)).toEqual([]);
      const failingCheck = `"${CHECK_OF[scenario.component]}":{"status":"failing"`;
      expect(whileDown.filter((sample) => !sample.body.includes(failingCheck))).toEqual([]);
      expect(readyAgain).toBeDefined();
      expect(live).toBe(200);
      expect(convergence.converged).toBe(true);
      expect(check.totals).toEqual(ZERO_TOTALS);
    } finally {
      await readiness?.stop();
      await harness.close();
    }
  }
});

function summarize(samples: readonly ReadinessSample[]): string {
  const counts = new Map<number, number>();
  for (const sample of samples) counts.set(sample.status, (counts.get(sample.status) ?? 0) + 1);
  const took = samples.map((sample) => sample.tookMs).sort((a, b) => a - b);
  return (
    [...counts].map(([status, count]) => `${count}× ${status === 0 ? 'no answer' : status}`).join(', ') +
    (took.length > 0 ? ` (answer took ${took[0]}–${took.at(-1)} ms)` : '')
  );
}

/** Runs of equal answers: `503×37 +120…+9960` (answer times relative to `originMs`). */
function timeline(samples: readonly ReadinessSample[], originMs: number): string {
  const runs: { status: number; count: number; from: number; to: number }[] = [];
  for (const sample of samples) {
    const at = sample.atMs + sample.tookMs - originMs;
    const last = runs.at(-1);
    if (last && last.status === sample.status) {
      last.count++;
      last.to = at;
    } else runs.push({ status: sample.status, count: 1, from: at, to: at });
  }
  return runs
    .map((run) => `${run.status === 0 ? 'no answer' : run.status}×${run.count} ${run.from}…${run.to}`)
    .join(', ');
}

/** The distinct messages of the service's JSON log lines (warn and above by default), with counts. */
function logMessages(output: string): string {
  const counts = new Map<string, number>();
  for (const line of output.split('\n')) {
    let message: string;
    try {
      const entry = JSON.parse(line) as {
        level?: string;
        msg?: string;
        context?: string;
        err?: { type?: string; message?: string };
      };
      const cause = entry.err ? ` — ${entry.err.type ?? 'Error'}: ${entry.err.message ?? ''}` : '';
      message = `${entry.level ?? '?'} ${entry.context ?? ''} ${entry.msg ?? ''}${cause}`.slice(0, 220);
    } catch {
      continue;
    }
    counts.set(message, (counts.get(message) ?? 0) + 1);
  }
  return [...counts]
    .slice(0, 12)
    .map(([message, count]) => `\n    ${count}× ${message}`)
    .join('');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
