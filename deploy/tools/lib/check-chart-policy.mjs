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
    expect(container.resources?.requests?.cpu, `${where}: cpu request required`);
    expect(
      container.livenessProbe?.httpGet?.path === '/health/live',
      `${where}: liveness probe must hit /health/live`,
    );
    expect(
      container.readinessProbe?.httpGet?.path === '/health/ready',
      `${where}: readiness probe must hit /health/ready`,
    );
    expect(container.startupProbe?.httpGet, `${where}: startup probe expected (migrations run on start)`);
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
