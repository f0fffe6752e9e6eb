// Invariants of the resolved compose model (`docker compose config --format json`) that `config -q` does not
// check: every `service_healthy` dependency has a healthcheck, every published port binds to 127.0.0.1, the
// backup service's stop grace period exceeds its SHUTDOWN_TIMEOUT, and the project's own services run
// hardened (read-only root, no capabilities, no-new-privileges, non-root image user, a tmpfs /tmp).
//
//   node check-compose.mjs <compose-config.json>
// No dependencies: runs with any Node >= 18.
import { readFileSync } from 'node:fs';

const [path] = process.argv.slice(2);
if (!path) {
  console.error('usage: check-compose.mjs <compose-config.json>');
  process.exit(2);
}
const model = JSON.parse(readFileSync(path, 'utf8'));
const services = model.services ?? {};
const problems = [];
const expect = (condition, message) => {
  if (!condition) problems.push(message);
};

const seconds = (value) => {
  if (typeof value === 'number') return value / 1e9; // compose normalises durations to nanoseconds
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(String(value ?? ''));
  return match ? Number(match[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[match[2]] : undefined;
};

for (const [name, service] of Object.entries(services)) {
  for (const [dependency, spec] of Object.entries(service.depends_on ?? {})) {
    if (spec.condition === 'service_healthy') {
      const target = services[dependency];
      expect(
        target?.healthcheck?.test && !target.healthcheck.disable,
        `${name} waits for ${dependency} to be healthy, but ${dependency} has no healthcheck`,
      );
    }
  }
  for (const port of service.ports ?? []) {
    expect(
      port.host_ip === '127.0.0.1',
      `${name}: port ${port.published}->${port.target} must bind to 127.0.0.1 (local dev only)`,
    );
  }
}

for (const name of ['backup', 'cyberark-simulator']) {
  const service = services[name];
  if (!service) {
    problems.push(`service ${name} missing`);
    continue;
  }
  expect(service.build?.target === name, `${name}: must build the Dockerfile target ${name}`);
  expect(service.read_only === true, `${name}: read_only must be true`);
  expect((service.cap_drop ?? []).includes('ALL'), `${name}: cap_drop must include ALL`);
  expect(
    (service.security_opt ?? []).some((option) => option.startsWith('no-new-privileges')),
    `${name}: no-new-privileges expected`,
  );
  expect(!service.user || !/^(0|root)(:|$)/.test(service.user), `${name}: must not run as root`);
  expect(
    (service.tmpfs ?? []).some((mount) => String(mount).startsWith('/tmp')),
    `${name}: needs a tmpfs /tmp (read-only root)`,
  );
  expect(service.healthcheck?.test, `${name}: healthcheck expected`);
}

const backup = services.backup;
if (backup) {
  const shutdown = seconds(backup.environment?.SHUTDOWN_TIMEOUT ?? '25s');
  const grace = seconds(backup.stop_grace_period ?? '10s');
  expect(
    grace !== undefined && shutdown !== undefined && grace > shutdown,
    `backup: stop_grace_period (${grace}s) must exceed SHUTDOWN_TIMEOUT (${shutdown}s)`,
  );
  for (const required of ['DATABASE_URL', 'KAFKA_BROKERS', 'DATA_ENCRYPTION_KEYS', 'FINGERPRINT_KEY']) {
    expect(backup.environment?.[required], `backup: ${required} must be set`);
  }
  for (const [key, value] of Object.entries(backup.environment ?? {})) {
    // Keys are base64: the placeholder's name may sit in the decoded bytes (`local-dev-...`).
    const decoded =
      typeof value === 'string' ? Buffer.from(value.split(':').pop(), 'base64').toString('latin1') : '';
    if (
      /PASSWORD|SECRET|_KEYS?$|DATABASE_URL/.test(key) &&
      typeof value === 'string' &&
      !/local-dev/.test(value + decoded)
    ) {
      problems.push(`backup: ${key} does not look like a named local-dev placeholder`);
    }
  }
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`COMPOSE  ${problem}`);
  process.exit(1);
}
console.log(`${Object.keys(services).length} services checked`);
