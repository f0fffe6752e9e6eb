import { readEnvFile, TEST_STACK_ENV_FILE } from './stack-env';

// Runs in every integration/e2e worker: adopt the stack the global setup started or found.
for (const [key, value] of Object.entries(readEnvFile(TEST_STACK_ENV_FILE))) {
  process.env[key] ??= value;
}
