import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readEnvFile, REPO_ROOT, STATE_DIR, TEST_STACK_ENV_FILE, type StackEnv } from './stack-env';
import { dockerEngineReachable, startContainers } from './containers';

/**
 * Gives the integration and e2e tiers a real PostgreSQL and a real Kafka:
 * 1. DATABASE_URL and KAFKA_BROKERS from the environment when both are set (the stack script
 *    checks that they answer);
 * 2. testcontainers when a Docker engine is reachable and VB_TEST_STACK is not "local";
 * 3. otherwise deploy/local/stack.sh, which starts PostgreSQL from Debian packages and Kafka
 *    from Maven Central jars on loopback.
 */
export default async function globalSetup(): Promise<void> {
  const env = await resolveStack();
  mkdirSync(dirname(TEST_STACK_ENV_FILE), { recursive: true });
  writeFileSync(
    TEST_STACK_ENV_FILE,
    Object.entries(env)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${value}\n`)
      .join(''),
  );
  Object.assign(process.env, env);
}

async function resolveStack(): Promise<StackEnv> {
  const mode = process.env.VB_TEST_STACK ?? 'auto';
  if (mode !== 'local' && mode !== 'containers' && process.env.DATABASE_URL && process.env.KAFKA_BROKERS) {
    return runStackScript();
  }
  if (mode === 'containers' || (mode === 'auto' && (await dockerEngineReachable()))) {
    return startContainers();
  }
  return runStackScript();
}

function runStackScript(): StackEnv {
  const script = join(REPO_ROOT, 'deploy', 'local', 'stack.sh');
  const args = ['up', ...(process.env.VB_TEST_KAFKA4 === '0' ? [] : ['--with-kafka4'])];
  try {
    execFileSync('bash', [script, ...args], { stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  } catch {
    throw new Error(
      `the local test stack did not start (see the line above and the logs in ${join(STATE_DIR, 'logs')})`,
    );
  }
  const stackEnvFile = join(STATE_DIR, 'stack.env');
  if (!existsSync(stackEnvFile)) throw new Error(`deploy/local/stack.sh did not write ${stackEnvFile}`);
  const written = readEnvFile(stackEnvFile);
  const env: StackEnv = {
    DATABASE_URL: process.env.DATABASE_URL ?? required(written, 'DATABASE_URL'),
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? required(written, 'KAFKA_BROKERS'),
  };
  const kafka4 = process.env.KAFKA4_BROKERS ?? written.KAFKA4_BROKERS;
  return kafka4 ? { ...env, KAFKA4_BROKERS: kafka4 } : env;
}

function required(env: Record<string, string>, key: string): string {
  const value = env[key];
  if (!value) throw new Error(`deploy/local/stack.sh did not provide ${key}`);
  return value;
}
