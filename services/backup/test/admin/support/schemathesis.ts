import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@vault-backup/testing';

/**
 * schemathesis (PyPI, pinned in scripts/lib/schemathesis-requirements.txt) driven from a jest test:
 * the venv is built on first use by scripts/lib/ensure-schemathesis.sh, and each run's responses are
 * read back from its NDJSON event stream (every request and response it made), its summary from the
 * JSON report.
 */
export async function ensureSchemathesis(): Promise<string> {
  const script = join(REPO_ROOT, 'scripts', 'lib', 'ensure-schemathesis.sh');
  try {
    const { stdout } = await promisify(execFile)('bash', [script], { maxBuffer: 1 << 20, timeout: 300_000 });
    return stdout.trim().split('\n').pop() ?? '';
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(
      `schemathesis could not be installed, so the OpenAPI fuzz test cannot run (it needs Python >= 3.11 and PyPI):\n${stderr ?? String(error)}`,
      { cause: error },
    );
  }
}

export interface SchemathesisRun {
  /** Which pass this is, for messages. */
  readonly name: string;
  /** The `st` command (from ensureSchemathesis). */
  readonly st: string;
  /** Where the served OpenAPI document is. */
  readonly schemaUrl: string;
  readonly headers: Record<string, string>;
  /** Fixed path parameters (name → value). */
  readonly pathParameters?: Record<string, string>;
  /** Path parameters drawn from a list of values half the time, generated otherwise. */
  readonly pathDictionaries?: Record<string, readonly string[]>;
  readonly checks: readonly string[];
  readonly maxExamples: number;
  readonly seed: number;
  /** Extra `st run` arguments (operation filters). */
  readonly args?: readonly string[];
}

export interface Exchange {
  readonly label: string;
  readonly phase: string;
  readonly method: string;
  readonly uri: string;
  /** The request body sent, if any (as text). */
  readonly requestBody: string;
  readonly status: number;
  /** The response body (as text). */
  readonly body: string;
}

export interface CheckFailure {
  readonly label: string;
  readonly check: string;
  readonly message: string;
}

export interface SchemathesisResult {
  readonly exitCode: number | null;
  readonly output: string;
  readonly exchanges: readonly Exchange[];
  /** Check failures other than not_a_server_error (reported, not asserted). */
  readonly checkFailures: readonly CheckFailure[];
  /** Errors schemathesis ran into (a schema it cannot use, a connection refused, …). */
  readonly errors: readonly string[];
  readonly complete: boolean;
  readonly seconds: number;
}

interface NdjsonInteraction {
  request: { method: string; uri: string; body?: { $base64?: string } | null };
  response: { status_code: number; content?: { $base64?: string } } | null;
}

interface NdjsonScenario {
  phase: string;
  recorder: {
    label: string;
    interactions?: Record<string, NdjsonInteraction>;
    checks?: Record<
      string,
      { name: string; status: string; failure_info?: { failure?: { title?: string } } }[]
    >;
  };
}

interface JsonReport {
  complete: boolean;
  errors: unknown[];
  operations: { errored: number };
}

const toml = (value: string): string => JSON.stringify(value);

export async function runSchemathesis(run: SchemathesisRun): Promise<SchemathesisResult> {
  const dir = mkdtempSync(join(tmpdir(), 'vault-backup-schemathesis-'));
  try {
    // No state kept between runs (schemathesis would write .schemathesis/ into its working directory).
    const config: string[] = ['[cache]', 'enabled = false', ''];
    for (const [name, values] of Object.entries(run.pathDictionaries ?? {}))
      config.push(`[dictionaries.${name}]`, `values = [${values.map(toml).join(', ')}]`, '');
    config.push('[parameters]');
    for (const [name, value] of Object.entries(run.pathParameters ?? {}))
      config.push(`${toml(`path.${name}`)} = ${toml(value)}`);
    for (const name of Object.keys(run.pathDictionaries ?? {}))
      config.push(`${toml(`path.${name}`)} = { dictionary = ${toml(name)}, probability = 0.5 }`);
    writeFileSync(join(dir, 'schemathesis.toml'), `${config.join('\n')}\n`);
    const ndjson = join(dir, 'events.ndjson');
    const json = join(dir, 'report.json');
    const args = [
      '--config-file',
      join(dir, 'schemathesis.toml'),
      'run',
      run.schemaUrl,
      ...Object.entries(run.headers).flatMap(([name, value]) => ['--header', `${name}: ${value}`]),
      '--checks',
      run.checks.join(','),
      '--max-examples',
      String(run.maxExamples),
      '--seed',
      String(run.seed),
      // One worker: with two, hypothesis' lambda descriptions (ast.parse from two threads) hit CPython
      // 3.11's "AST constructor recursion depth mismatch" and the run errors out. The service, in the
      // test's own process, is the bottleneck anyway.
      '--workers',
      '1',
      '--request-timeout',
      '30',
      '--generation-database',
      'none',
      '--report',
      'ndjson,json',
      '--report-ndjson-path',
      ndjson,
      '--report-json-path',
      json,
      '--no-color',
      ...(run.args ?? []),
    ];
    const started = Date.now();
    const { exitCode, output } = await spawnCollecting(run.st, args, dir);
    const seconds = (Date.now() - started) / 1000;
    let events: string;
    let report: JsonReport;
    try {
      events = readFileSync(ndjson, 'utf8');
      report = JSON.parse(readFileSync(json, 'utf8')) as JsonReport;
    } catch {
      throw new Error(`schemathesis (${run.name}) wrote no report; exit code ${exitCode}:\n${output}`);
    }
    const exchanges: Exchange[] = [];
    const checkFailures: CheckFailure[] = [];
    for (const line of events.split('\n')) {
      if (line.trim() === '') continue;
      const event = JSON.parse(line) as { ScenarioFinished?: NdjsonScenario };
      const scenario = event.ScenarioFinished;
      if (scenario === undefined) continue;
      const { label } = scenario.recorder;
      for (const interaction of Object.values(scenario.recorder.interactions ?? {})) {
        if (interaction.response === null) continue;
        const content = interaction.response.content?.$base64;
        const sent = interaction.request.body?.$base64;
        exchanges.push({
          label,
          phase: scenario.phase,
          method: interaction.request.method,
          uri: interaction.request.uri,
          requestBody: sent === undefined ? '' : Buffer.from(sent, 'base64').toString('utf8'),
          status: interaction.response.status_code,
          body: content === undefined ? '' : Buffer.from(content, 'base64').toString('utf8'),
        });
      }
      for (const checks of Object.values(scenario.recorder.checks ?? {}))
        for (const check of checks)
          if (check.status !== 'success' && check.status !== 'skip' && check.name !== 'not_a_server_error')
            checkFailures.push({
              label,
              check: check.name,
              message: check.failure_info?.failure?.title ?? '',
            });
    }
    return {
      exitCode,
      output,
      exchanges,
      checkFailures,
      errors: report.errors.map((error) => JSON.stringify(error)),
      complete: report.complete && report.operations.errored === 0,
      seconds,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a child without blocking the event loop: the service under test answers from this process. */
function spawnCollecting(
  command: string,
  args: readonly string[],
  cwd: string,
): Promise<{ exitCode: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

/** Status → count, for messages. */
export function statusCounts(exchanges: readonly Exchange[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of exchanges) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}
