import { runCli } from '../../src/cli/cli.program';
import { type ExitCode } from '../../src/cli/exit-codes';
import { FakeAdminApi } from './fake-admin-api';
import { type FakeRuntime, type FakeRuntimeOptions, fakeRuntime, fakeToken } from './fake-runtime';

/** The token's claims when a spec names none: an admin of ws-1. */
export const ADMIN_CLAIMS: Readonly<Record<string, unknown>> = {
  sub: 'alice',
  role: 'admin',
  workspace_id: 'ws-1',
};

export interface FakeAdminApiSpecOptions {
  /** The claims of the token in VAULT_BACKUP_TOKEN for every run that names none (default ADMIN_CLAIMS). */
  readonly claims?: Record<string, unknown>;
  /** How the CLI is pointed at the fake API: the `--api-url` flag (default) or VAULT_BACKUP_API_URL. */
  readonly apiUrlFrom?: 'flag' | 'env';
}

export interface CliRunOptions extends FakeRuntimeOptions {
  /** The claims of the token in VAULT_BACKUP_TOKEN for this run; an explicit `env.VAULT_BACKUP_TOKEN` wins. */
  readonly claims?: Record<string, unknown>;
}

export interface FakeAdminApiSpec {
  /** The fake admin API of the current test (a fresh one per test). */
  readonly api: FakeAdminApi;
  /** The runtime of the current test's last `run`. */
  readonly runtime: FakeRuntime;
  /** Runs the CLI against the fake API in a fresh fake runtime, with a token in VAULT_BACKUP_TOKEN. */
  run(argv: readonly string[], options?: CliRunOptions): Promise<ExitCode>;
}

/**
 * The set-up of a command spec: registers a beforeEach that starts a {@link FakeAdminApi} and an afterEach
 * that cleans up every runtime the test ran and closes the API. Call it in a `describe` body.
 */
export function useFakeAdminApi(defaults: FakeAdminApiSpecOptions = {}): FakeAdminApiSpec {
  let api: FakeAdminApi | undefined;
  let runtimes: FakeRuntime[] = [];

  beforeEach(async () => {
    api = await FakeAdminApi.start();
  });

  afterEach(async () => {
    runtimes.forEach((runtime) => runtime.cleanUp());
    runtimes = [];
    await api?.close();
    api = undefined;
  });

  const currentApi = (): FakeAdminApi => {
    if (api === undefined) throw new Error('the fake admin API runs only inside a test');
    return api;
  };

  return {
    get api() {
      return currentApi();
    },
    get runtime() {
      const runtime = runtimes.at(-1);
      if (runtime === undefined) throw new Error('no runtime yet: call run() first');
      return runtime;
    },
    run: (argv, { claims = defaults.claims ?? ADMIN_CLAIMS, ...options } = {}) => {
      const { url } = currentApi();
      const viaEnv = defaults.apiUrlFrom === 'env';
      const runtime = fakeRuntime({
        ...options,
        env: {
          VAULT_BACKUP_TOKEN: fakeToken(claims),
          ...(viaEnv ? { VAULT_BACKUP_API_URL: url } : {}),
          ...options.env,
        },
      });
      runtimes.push(runtime);
      return runCli(viaEnv ? argv : [...argv, '--api-url', url], runtime);
    },
  };
}
