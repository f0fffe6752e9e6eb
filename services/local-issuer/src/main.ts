import { ConfigurationError, describeError } from '@vault-backup/errors';
import { createLogger } from '@vault-backup/observability';
import { loadLocalIssuerConfig } from './local-issuer.config';
import { startLocalIssuer } from './local-issuer.server';

const logger = createLogger({ name: 'local-issuer', level: 'info' });

async function main(): Promise<void> {
  const config = loadLocalIssuerConfig();
  const issuer = await startLocalIssuer(config);
  logger.warn(
    { event: 'local-issuer.listening', issuer: issuer.issuer, port: issuer.port, audience: config.audience },
    'local token issuer for demos and tests: anyone on this host can mint admin tokens',
  );
  const stop = () => void issuer.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigurationError) logger.fatal({ problems: error.problems }, error.message);
  else logger.fatal(`cannot start: ${describeError(error)}`);
  process.exit(1);
});
