import { type ConsumedRecord } from '@vault-backup/kafka';
import { createTopics, testKafka, uniqueName } from '@vault-backup/testing';
import { AdminE2eHarness, expectStatus } from './support/admin-e2e.harness';
import { insertFailureRow, insertParkedRow, minutesAgo } from './support/problem-rows';
import {
  type Exchange,
  ensureSchemathesis,
  runSchemathesis,
  type SchemathesisResult,
  statusCounts,
} from './support/schemathesis';

// Issue 10: schemathesis against the served OpenAPI document answers no request with a 5xx. Four passes
// over one seeded workspace (set up, enabled, with failures and parked backups), in an order that keeps
// the later operations reaching their logic: first what reads and acts on the stored settings, then the
// settings themselves (whose failed checks move the workspace back to draft), the operator's routes,
// and the deletions last. Reproduce a failure with VB_FUZZ_SEED=<seed printed> and, to go wider,
// VB_FUZZ_EXAMPLES=<n>; VB_FUZZ_VERBOSE=1 lists the conformance findings.
const SEED = Number(process.env.VB_FUZZ_SEED ?? 20261203);
const MAX_EXAMPLES = Number(process.env.VB_FUZZ_EXAMPLES ?? 25);
// Every response is checked for a 5xx. The conformance checks (status codes and bodies as documented)
// are counted in the summary line on stderr and listed with VB_FUZZ_VERBOSE=1, not asserted: none fire
// today, but generated data can reach answers the document cannot fully describe, and this test is
// the issue's "0 responses >= 500" gate.
const CHECKS = ['not_a_server_error', 'status_code_conformance', 'response_schema_conformance'];
const OPERATOR_ROUTES = '^/api/v1/vault-backups';

function record(topic: string, offset: number, key: string): ConsumedRecord {
  return {
    topic,
    partition: 0,
    offset: String(offset),
    timestamp: String(Date.now()),
    key: Buffer.from(key),
    value: Buffer.from(JSON.stringify({ n: offset })),
    headers: { ce_type: Buffer.from('account.updated.v1'), ce_id: Buffer.from(`evt-${offset}`) },
  };
}

/** The service's log lines of one request (its id is in the problem body), for the failure message. */
function logsOf(logs: string, body: string): string {
  const requestId = /"requestId":"([^"]+)"/.exec(body)?.[1];
  if (requestId === undefined) return '';
  return logs
    .split('\n')
    .filter((line) => line.includes(requestId))
    .join('\n')
    .slice(0, 3_000);
}

function describeServerErrors(name: string, result: SchemathesisResult, logs: string): string {
  const errors = result.exchanges.filter((exchange) => exchange.status >= 500);
  const byRoute = new Map<string, Exchange[]>();
  for (const exchange of errors)
    byRoute.set(exchange.label, [...(byRoute.get(exchange.label) ?? []), exchange]);
  const lines = [...byRoute].map(
    ([label, list]) =>
      `  ${label}: ${list.length} × ${list[0]?.status} — e.g. ${list[0]?.method} ${list[0]?.uri} ${list[0]?.requestBody.slice(0, 400)}\n    ${list[0]?.body.slice(0, 400)}\n    ${logsOf(logs, list[0]?.body ?? '')}`,
  );
  const failures = result.output.indexOf('FAILURES');
  return [
    `schemathesis pass "${name}" (seed ${SEED}): ${errors.length} of ${result.exchanges.length} responses are 5xx`,
    ...lines,
    // schemathesis' own account, with a curl command reproducing each.
    failures < 0 ? '' : result.output.slice(failures, failures + 6_000),
  ].join('\n');
}

function expectNoServerError(name: string, result: SchemathesisResult, logs: string): void {
  if (!result.complete || result.errors.length > 0)
    throw new Error(
      `schemathesis pass "${name}" did not complete (exit ${result.exitCode}):\n${result.errors.join('\n')}\n${result.output.slice(-4_000)}`,
    );
  const serverErrors = result.exchanges.filter((exchange) => exchange.status >= 500);
  if (serverErrors.length > 0) throw new Error(describeServerErrors(name, result, logs));
  expect(serverErrors).toEqual([]);
}

describe('the served OpenAPI document under schemathesis: no request answers 5xx', () => {
  let harness: AdminE2eHarness;
  let st: string;
  let workspace: string;
  let failureIds: string[];
  let jobIds: string[];
  const timings: string[] = [];

  beforeAll(async () => {
    // Fails the suite, loudly, when Python or PyPI is missing: never a silent skip.
    st = await ensureSchemathesis();
    harness = await AdminE2eHarness.create({
      env: {
        // The checks' budget would answer most generated checks 429, leaving their logic untested.
        ADMIN_CHECKS_PER_MINUTE: '10000',
        ADMIN_CHECKS_BURST: '1000',
        // Hermetic: generated tenant URLs are refused by the allowlist before any DNS lookup, and Key
        // Vault (token authority and vault) is a closed loopback port.
        CYBERARK_ALLOWED_DOMAINS: 'fuzz.invalid',
        KEY_VAULT_AUTHORITY_HOST: 'https://127.0.0.1:9',
        KEY_VAULT_CONNECT_TO: '127.0.0.1:9',
        KEY_VAULT_ALLOW_INSECURE_LOOPBACK: 'true',
        KEY_VAULT_REQUEST_TIMEOUT: '2s',
      },
    });
    await harness.start();
    workspace = uniqueName('ws-fuzz');
    await harness.setUpEnabledBackup(workspace);
    const replayTopic = uniqueName('adm-fuzz-replay');
    await createTopics(testKafka(), [replayTopic], 1);
    failureIds = [];
    for (let offset = 1; offset <= 4; offset += 1)
      failureIds.push(
        await harness.insertFailure(workspace, record(replayTopic, offset, `${workspace}:acc-${offset}`)),
      );
    const db = harness.database.dataSource;
    await insertFailureRow(db, {
      workspaceId: workspace,
      accountId: 'acc-prop',
      version: 2,
      errorClass: 'invalid-property',
      code: 'PASWS167E',
      message: 'Property [totpSecret] is not defined for platform [VaultBackupPlatform].',
      createdAt: minutesAgo(90),
    });
    await insertParkedRow(db, {
      workspaceId: workspace,
      accountId: 'acc-parked',
      version: 3,
      errorClass: 'throttled',
      code: 'CYBERARK_THROTTLED',
      message: 'transient',
      attempts: 2,
      firstFailedAt: minutesAgo(30),
    });
    await insertFailureRow(db, {
      workspaceId: null,
      accountId: null,
      version: null,
      errorClass: 'invalid-event',
      code: 'EVENT_NOT_JSON',
      message: 'the record is not JSON',
    });
    const admin = await harness.tokenFor(workspace, 'admin');
    // A replay job, cancelled at once, so the job routes reach their logic (cancel, resume, report).
    const jobs = `/api/v1/workspaces/${workspace}/vault-backup/replay-jobs`;
    const job = expectStatus(
      await harness.request('POST', jobs, {
        token: admin,
        body: { selection: { failureIds: failureIds.slice(0, 2) }, ratePerSecond: 1 },
      }),
      202,
    );
    await harness.request('POST', `${jobs}/${job.body.id}/cancel`, { token: admin });
    jobIds = [String(job.body.id)];
    const status = expectStatus(
      await harness.request('GET', `/api/v1/workspaces/${workspace}/vault-backup`, { token: admin }),
      200,
    );
    expect(status.body).toMatchObject({ status: 'enabled' });
  }, 300_000);

  afterAll(async () => {
    await harness?.close();
    if (timings.length > 0) process.stderr.write(`openapi fuzz: ${timings.join(', ')}\n`);
  });

  async function pass(name: string, token: string, args: readonly string[]): Promise<SchemathesisResult> {
    const result = await runSchemathesis({
      name,
      st,
      schemaUrl: harness.url('/api/openapi.json'),
      headers: { Authorization: `Bearer ${token}` },
      pathParameters: { workspaceId: workspace },
      pathDictionaries: { failureId: failureIds, jobId: jobIds },
      checks: CHECKS,
      maxExamples: MAX_EXAMPLES,
      seed: SEED,
      args,
    });
    const counts = statusCounts(result.exchanges);
    timings.push(
      `${name} ${result.seconds.toFixed(1)} s, ${result.exchanges.length} requests ${JSON.stringify(counts)}, ${result.checkFailures.length} conformance findings`,
    );
    if (process.env.VB_FUZZ_VERBOSE)
      process.stderr.write(
        `${name}: ${JSON.stringify(counts)}\n${result.checkFailures.map((f) => `  ${f.label} ${f.check}: ${f.message}`).join('\n')}\n`,
      );
    expectNoServerError(name, result, harness.logs.text());
    return result;
  }

  it('an admin of the workspace: reading, options, validate, enable/disable, replay', async () => {
    const token = await harness.tokenFor(workspace, 'admin', 'fuzz-admin');
    const result = await pass('admin', token, [
      '--exclude-method',
      'DELETE',
      '--exclude-method',
      'PUT',
      // The operators' routes: the operator pass below (an admin gets 403 there, before any logic).
      '--exclude-path-regex',
      OPERATOR_ROUTES,
    ]);
    // It reached the routes' logic, not only the guards.
    expect(result.exchanges.filter((exchange) => exchange.status < 300).length).toBeGreaterThan(20);
  });

  it('an admin of the workspace: the settings (connection, targets, key integration)', async () => {
    const token = await harness.tokenFor(workspace, 'admin', 'fuzz-admin');
    await pass('admin settings', token, ['--include-method', 'PUT']);
  });

  it("an SRE with operator_replay: the operators' routes (replay jobs, dead-letter replay) and a workspace's status", async () => {
    const token = await harness.token({ sub: 'fuzz-sre', role: 'operator_replay' });
    // The operators' routes and the one workspace route an operator may call (status); the others are 403.
    const result = await pass('operator', token, [
      '--include-path-regex',
      `${OPERATOR_ROUTES}|/vault-backup$`,
      '--exclude-method',
      'DELETE',
    ]);
    expect(result.exchanges.filter((exchange) => exchange.status === 200).length).toBeGreaterThan(10);
  });

  it('an admin of the workspace: the deletions, last', async () => {
    const token = await harness.tokenFor(workspace, 'admin', 'fuzz-admin');
    await pass('admin deletions', token, ['--include-method', 'DELETE']);
  });
});
