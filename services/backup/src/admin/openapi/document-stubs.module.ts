import { Global, Module } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { BACKUP_CONFIG } from '../../config/backup.config';
import { DATA_CIPHER } from '../../crypto/crypto.tokens';
import { CYBERARK_CLIENT_FACTORY } from '../../cyberark/cyberark.tokens';
import { DATA_SOURCE } from '../../database/database.tokens';
import { KAFKA_ADMIN, RECORD_PRODUCER, TOPIC_LIMITS, TOPIC_RANGE_READER } from '../../kafka/kafka.tokens';
import { KEY_VAULT_CONNECTIONS } from '../../key-vault/key-vault.tokens';
import { WORKSPACE_KEYS } from '../../key-vault/workspace-keys.port';
import { METRICS_REGISTRY } from '../../metrics/metrics.tokens';
import { RECORD_SEALER } from '../../pipeline/ports/record-sealer.port';
import { WORKSPACE_TARGETS } from '../../pipeline/ports/workspace-targets.port';

const STUBBED_TOKENS = [
  BACKUP_CONFIG,
  DATA_SOURCE,
  DATA_CIPHER,
  METRICS_REGISTRY,
  CYBERARK_CLIENT_FACTORY,
  RECORD_PRODUCER,
  KAFKA_ADMIN,
  TOPIC_LIMITS,
  TOPIC_RANGE_READER,
  WORKSPACE_TARGETS,
  RECORD_SEALER,
  KEY_VAULT_CONNECTIONS,
  WORKSPACE_KEYS,
  PinoLogger,
];

/**
 * Stands in for the service's global modules while the OpenAPI document is built: the preview
 * application resolves the dependency graph but instantiates nothing, so these are never used.
 */
@Global()
@Module({
  providers: STUBBED_TOKENS.map((token) => ({ provide: token, useValue: {} })),
  exports: STUBBED_TOKENS,
})
export class DocumentStubsModule {}

@Module({})
export class DocumentRootModule {}
