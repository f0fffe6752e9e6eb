import { type z } from 'zod';
import { ConfigurationError } from '@vault-backup/errors';

type Env = Record<string, string | undefined>;

/**
 * Parses environment variables against a schema of `ENV_NAME -> parser`. Empty strings count as
 * unset so that `FOO=` falls back to the default. Error messages name the variable and the rule,
 * never the value, because the value may be a secret.
 */
export function parseEnv<S extends z.ZodObject>(schema: S, env: Env = process.env): z.infer<S> {
  const input = Object.fromEntries(
    Object.keys(schema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  );
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(root)';
    return issue.code === 'invalid_type' && input[name] === undefined
      ? `${name} is required`
      : `${name} ${issue.message}`;
  });
  throw new ConfigurationError(problems);
}
