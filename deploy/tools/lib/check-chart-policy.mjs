// Asserts the operational invariants of a rendered vault-backup chart (one multi-document YAML file):
// hardening, probes, resources, a termination grace period longer than SHUTDOWN_TIMEOUT, no Secret objects
// and no literal secret values. Schema validity is kubernetes-validate's job; this checks intent.
//
//   node check-chart-policy.mjs <dir-with-node_modules/js-yaml> <rendered.yaml>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [modulesDir, renderedPath] = process.argv.slice(2);
if (!modulesDir || !renderedPath) {
  console.error('usage: check-chart-policy.mjs <dir-with-node_modules> <rendered.yaml>');
  process.exit(2);
}
const yaml = await import(pathToFileURL(join(modulesDir, 'node_modules/js-yaml/dist/js-yaml.mjs')).href);
const docs = yaml.loadAll(readFileSync(renderedPath, 'utf8')).filter(Boolean);

const SECRET_ENV = [
  'DATABASE_URL',
  'KAFKA_SASL_PASSWORD',
  'DATA_ENCRYPTION_KEYS',
  'FINGERPRINT_KEY',
  'AZURE_CLIENT_SECRET',
];
const problems = [];
const expect = (condition, message) => {
  if (!condition) problems.push(message);
};

/** The container hardening every pod of the chart must have (the service's and the migration Job's). */
function expectHardenedContainer(container, podSc, where) {
  const sc = container.securityContext ?? {};
  expect(sc.readOnlyRootFilesystem === true, `${where}: readOnlyRootFilesystem must be true`);
  expect(sc.allowPrivilegeEscalation === false, `${where}: allowPrivilegeEscalation must be false`);
  expect((sc.capabilities?.drop ?? []).includes('ALL'), `${where}: capabilities must drop ALL`);
  expect((sc.runAsNonRoot ?? podSc.runAsNonRoot) === true, `${where}: runAsNonRoot must be true`);
  const uid = sc.runAsUser ?? podSc.runAsUser;
  expect(uid === undefined || uid !== 0, `${where}: runAsUser must not be 0`);
  expect(
    container.resources?.requests?.memory && container.resources?.limits?.memory,
    `${where}: memory request and limit required`,
  );
}

const durationSeconds = (value) => {
  const match = /^(\d+)(ms|s|m|h)$/.exec(String(value ?? ''));
  if (!match) return undefined;
  const factor = { ms: 0.001, s: 1, m: 60, h: 3600 }[match[2]];
  return Number(match[1]) * factor;
};

expect(
  !docs.some((d) => d.kind === 'Secret'),
  'the chart must not render Secret objects (existingSecret pattern)',
);

const deployments = docs.filter((d) => d.kind === 'Deployment');
expect(deployments.length === 1, `expected exactly one Deployment, found ${deployments.length}`);
const configMaps = new Map(
  docs.filter((d) => d.kind === 'ConfigMap').map((d) => [d.metadata.name, d.data ?? {}]),
);

for (const deployment of deployments) {
  const pod = deployment.spec.template.spec;
  const name = `Deployment/${deployment.metadata.name}`;
  const podSc = pod.securityContext ?? {};
  expect(pod.automountServiceAccountToken === false, `${name}: automountServiceAccountToken should be false`);
  expect(
    podSc.seccompProfile?.type === 'RuntimeDefault',
    `${name}: pod seccompProfile must be RuntimeDefault`,
  );

  const env = {};
  for (const source of pod.containers[0].envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, configMaps.get(source.configMapRef.name) ?? {});
  }
  const shutdown = durationSeconds(env.SHUTDOWN_TIMEOUT ?? '25s');
  expect(shutdown !== undefined, `${name}: SHUTDOWN_TIMEOUT '${env.SHUTDOWN_TIMEOUT}' is not a duration`);
  expect(
    pod.terminationGracePeriodSeconds > shutdown,
    `${name}: terminationGracePeriodSeconds (${pod.terminationGracePeriodSeconds}) must exceed SHUTDOWN_TIMEOUT (${shutdown}s)`,
  );

  for (const container of pod.containers) {
    const where = `${name} container ${container.name}`;
    expectHardenedContainer(container, podSc, where);
    expect(container.resources?.requests?.cpu, `${where}: cpu request required`);
    expect(
      container.livenessProbe?.httpGet?.path === '/health/live',
      `${where}: liveness probe must hit /health/live`,
    );
    expect(
      container.readinessProbe?.httpGet?.path === '/health/ready',
      `${where}: readiness probe must hit /health/ready`,
    );
    expect(
      container.startupProbe?.httpGet,
      `${where}: startup probe expected (start-up may include migrations)`,
    );
    expect(
      (container.volumeMounts ?? []).some((m) => m.mountPath === '/tmp'),
      `${where}: /tmp must be a writable volume`,
    );
    for (const variable of container.env ?? []) {
      if (SECRET_ENV.includes(variable.name)) {
        expect(
          variable.valueFrom?.secretKeyRef,
          `${where}: ${variable.name} must come from a secretKeyRef, never a literal`,
        );
      }
    }
    for (const secretName of SECRET_ENV) {
      expect(!(secretName in env), `${where}: ${secretName} must not be in a ConfigMap`);
    }
  }
}

// The migration Job: a pre-install/pre-upgrade hook, hardened like the Deployment, bounded in time and retries.
// Hooks run before the release's other objects exist, so it must not reference any of them.
const isHook = (d) => Boolean(d.metadata?.annotations?.['helm.sh/hook']);
const releaseObjects = (kind) =>
  new Set(docs.filter((d) => d.kind === kind && !isHook(d)).map((d) => d.metadata.name));
const releaseConfigMaps = releaseObjects('ConfigMap');
const releaseServiceAccounts = releaseObjects('ServiceAccount');
const jobs = docs.filter((d) => d.kind === 'Job');
for (const job of jobs) {
  const name = `Job/${job.metadata.name}`;
  const annotations = job.metadata.annotations ?? {};
  const hooks = String(annotations['helm.sh/hook'] ?? '').split(',');
  expect(
    hooks.includes('pre-install') && hooks.includes('pre-upgrade'),
    `${name}: must be a pre-install,pre-upgrade hook (got '${annotations['helm.sh/hook'] ?? ''}')`,
  );
  const deletePolicy = String(annotations['helm.sh/hook-delete-policy'] ?? '').split(',');
  expect(
    deletePolicy.includes('before-hook-creation') && deletePolicy.includes('hook-succeeded'),
    `${name}: hook-delete-policy must include before-hook-creation and hook-succeeded`,
  );
  expect(Number.isInteger(job.spec.backoffLimit), `${name}: backoffLimit required`);
  expect(job.spec.activeDeadlineSeconds > 0, `${name}: activeDeadlineSeconds required`);
  const pod = job.spec.template.spec;
  const podSc = pod.securityContext ?? {};
  expect(pod.restartPolicy === 'Never', `${name}: restartPolicy must be Never (backoffLimit counts pods)`);
  expect(pod.automountServiceAccountToken === false, `${name}: automountServiceAccountToken should be false`);
  expect(
    podSc.seccompProfile?.type === 'RuntimeDefault',
    `${name}: pod seccompProfile must be RuntimeDefault`,
  );
  expect(
    !releaseServiceAccounts.has(pod.serviceAccountName),
    `${name}: ServiceAccount ${pod.serviceAccountName} is created by the release, after pre-install hooks run`,
  );
  for (const volume of pod.volumes ?? []) {
    expect(
      !(volume.configMap && releaseConfigMaps.has(volume.configMap.name)),
      `${name}: volume ${volume.name} mounts a ConfigMap of the release, which does not exist yet during pre-install`,
    );
  }
  for (const container of pod.containers) {
    const where = `${name} container ${container.name}`;
    expectHardenedContainer(container, podSc, where);
    for (const source of container.envFrom ?? []) {
      expect(
        !(source.configMapRef && releaseConfigMaps.has(source.configMapRef.name)),
        `${where}: envFrom ConfigMap ${source.configMapRef?.name} is created by the release, after pre-install hooks run`,
      );
    }
    const databaseUrl = (container.env ?? []).find((variable) => variable.name === 'DATABASE_URL');
    expect(databaseUrl?.valueFrom?.secretKeyRef, `${where}: DATABASE_URL must come from a secretKeyRef`);
    for (const variable of container.env ?? []) {
      if (SECRET_ENV.includes(variable.name)) {
        expect(
          variable.valueFrom?.secretKeyRef,
          `${where}: ${variable.name} must come from a secretKeyRef, never a literal`,
        );
      }
    }
  }
}
expect(jobs.length <= 1, `expected at most one Job (the migration hook), found ${jobs.length}`);
// With the Job on, the pods must not migrate again at start; without it, something must migrate.
for (const deployment of deployments) {
  const env = {};
  for (const source of deployment.spec.template.spec.containers[0].envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, configMaps.get(source.configMapRef.name) ?? {});
  }
  for (const variable of deployment.spec.template.spec.containers[0].env ?? []) {
    if ('value' in variable) env[variable.name] = variable.value;
  }
  const migrateOnStart = String(env.DATABASE_MIGRATE_ON_START ?? 'true').toLowerCase();
  if (jobs.length > 0) {
    expect(
      migrateOnStart === 'false',
      `Deployment/${deployment.metadata.name}: DATABASE_MIGRATE_ON_START must be false while the migration Job runs (got '${migrateOnStart}')`,
    );
  } else {
    expect(
      migrateOnStart !== 'false',
      `Deployment/${deployment.metadata.name}: no migration Job and DATABASE_MIGRATE_ON_START=false: nothing would migrate`,
    );
  }
}

const pdbs = docs.filter((d) => d.kind === 'PodDisruptionBudget');
for (const pdb of pdbs) {
  expect(
    (pdb.spec.minAvailable === undefined) !== (pdb.spec.maxUnavailable === undefined),
    `PodDisruptionBudget/${pdb.metadata.name}: exactly one of minAvailable/maxUnavailable`,
  );
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`POLICY  ${problem}`);
  process.exit(1);
}
console.log(`policy ok (${docs.length} objects)`);
