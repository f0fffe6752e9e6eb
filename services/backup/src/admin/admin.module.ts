import {
  type DynamicModule,
  type MiddlewareConsumer,
  Module,
  type ModuleMetadata,
  type NestModule,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { type OpenAPIObject } from '@nestjs/swagger';
import { PinoLogger } from 'nestjs-pino';
import { type Registry } from 'prom-client';
import { type DataSource } from 'typeorm';
import { type DataCipher } from '@vault-backup/crypto';
import { type KeyVaultConnectionFactory } from '@vault-backup/azure-key-vault';
import { type CyberArkClientFactory } from '@vault-backup/cyberark';
import { type TenantUrlPolicy } from '@vault-backup/url-policy';
import { BACKUP_CONFIG, type BackupConfig } from '../config/backup.config';
import { DATA_CIPHER } from '../crypto/crypto.tokens';
import { CYBERARK_CLIENT_FACTORY } from '../cyberark/cyberark.tokens';
import { DATA_SOURCE } from '../database/database.tokens';
import { KEY_VAULT_CONNECTIONS } from '../key-vault/key-vault.tokens';
import { METRICS_REGISTRY } from '../metrics/metrics.tokens';
import { WORKSPACE_TARGETS, type WorkspaceTargetsPort } from '../pipeline/ports/workspace-targets.port';
import { type AdminConfig } from './admin.config';
import {
  ADMIN_CONFIG,
  ADMIN_METRICS,
  AUDIT_LOG_STORE,
  CONFIGURATION_STORE,
  CYBERARK_PROBE,
  FAILURE_STORE,
  KEY_INTEGRATION_STORE,
  REPLAY_JOB_STORE,
  KEY_VAULT_PROBE,
  TENANT_URL_POLICY,
} from './admin.tokens';
import { AuditLogController } from './audit/audit-log.controller';
import { AuditLogService } from './audit/audit-log.service';
import { type AuditLogStore } from './audit/audit-log.store';
import { PgAuditLogStore } from './audit/pg-audit-log.store';
import { AccessTokenVerifier } from './auth/access-token.verifier';
import { AccessGuard } from './auth/access.guard';
import { AuthenticateFirst } from './auth/authenticate-first';
import { JwtAuthGuard } from './auth/jwt-auth.guard';
import { ClientSecretBox } from './configuration/client-secret.box';
import { PgConfigurationStore } from './configuration/pg-configuration.store';
import { CyberArkProbe } from './cyberark-probe/cyberark-probe.adapter';
import { FailureReplayService } from './failures/failure-replay.service';
import { KeyIntegrationController } from './key-integration/key-integration.controller';
import { KeyIntegrationService } from './key-integration/key-integration.service';
import { KeyVaultProbe } from './key-integration/key-vault.probe';
import { PgKeyIntegrationStore } from './key-integration/pg-key-integration.store';
import { FailuresController } from './failures/failures.controller';
import { FailuresService } from './failures/failures.service';
import { type FailureStore } from './failures/failure.store';
import { PgFailureStore } from './failures/pg-failure.store';
import { WorkspaceFreshnessMetrics } from './freshness/workspace-freshness.metrics';
import { ReplayProducer } from './failures/replay-producer';
import { AdminRequestMiddleware } from './http/admin-request.middleware';
import { AdminMetrics } from './http/admin.metrics';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { DocumentRootModule, DocumentStubsModule } from './openapi/document-stubs.module';
import { OPENAPI_DOCUMENT_FACTORY, OpenApiController } from './openapi/openapi.controller';
import { buildOpenApiDocument, DOCUMENT_CONFIG } from './openapi/openapi.document';
import { VaultBackupsController } from './operator/vault-backups.controller';
import { VaultBackupsService } from './operator/vault-backups.service';
import { WorkspaceCheckLimiter } from './rate-limit/workspace-check.limiter';
import { ConsumerProgress } from './replay-jobs/consumer-progress';
import { DeadLetterImporter } from './replay-jobs/dead-letter.importer';
import { OperatorReplayJobsController } from './replay-jobs/operator-replay-jobs.controller';
import { PgReplayJobStore } from './replay-jobs/pg-replay-job.store';
import { ReplayJobRunner } from './replay-jobs/replay-job.runner';
import { ReplayJobsController } from './replay-jobs/replay-jobs.controller';
import { ReplayJobsService } from './replay-jobs/replay-jobs.service';
import { BackupSetupController } from './setup/backup-setup.controller';
import { BackupStatusService } from './setup/backup-status.service';
import { ConfigurationChanges } from './setup/configuration-changes';
import { ConnectionService } from './setup/connection.service';
import { LifecycleService } from './setup/lifecycle.service';
import { TargetsService } from './setup/targets.service';
import { TenantUrlPolicyModule } from './tenant-urls/tenant-url-policy.module';

export interface AdminModuleOptions {
  readonly config: AdminConfig;
  /**
   * Modules exporting WORKSPACE_TARGETS and RECORD_SEALER (the pipeline's ports). Everything else
   * comes from the service's global modules: BACKUP_CONFIG, DATA_SOURCE, DATA_CIPHER,
   * RECORD_PRODUCER, CYBERARK_CLIENT_FACTORY, METRICS_REGISTRY and nestjs-pino's PinoLogger.
   */
  readonly imports?: ModuleMetadata['imports'];
}

const API_CONTROLLERS = [
  BackupSetupController,
  KeyIntegrationController,
  FailuresController,
  ReplayJobsController,
  AuditLogController,
  VaultBackupsController,
  OperatorReplayJobsController,
];

/**
 * The admin REST API under /api/v1: setup of a workspace's vault backup (connect, validate targets,
 * enable), its own Azure Key Vault key, options, failures and their replay, the audit log, the operators' overview, and the
 * OpenAPI document at /api/openapi.json. Also registers the global tenant URL policy.
 */
@Module({})
export class AdminModule implements NestModule {
  static forRoot(options: AdminModuleOptions): DynamicModule {
    const { config } = options;
    return {
      module: AdminModule,
      imports: [TenantUrlPolicyModule.forRoot(config.tenantUrls), ...(options.imports ?? [])],
      controllers: [...API_CONTROLLERS, OpenApiController],
      providers: [
        { provide: ADMIN_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: OPENAPI_DOCUMENT_FACTORY, useValue: buildAdminApiDocument },
        {
          provide: ADMIN_METRICS,
          inject: [METRICS_REGISTRY],
          useFactory: (registry: Registry) => new AdminMetrics(registry),
        },
        { provide: AccessTokenVerifier, useFactory: () => new AccessTokenVerifier(config.auth) },
        JwtAuthGuard,
        AccessGuard,
        AuthenticateFirst,
        { provide: WorkspaceCheckLimiter, useFactory: () => new WorkspaceCheckLimiter(config.checks) },
        {
          provide: WorkspaceFreshnessMetrics,
          inject: [METRICS_REGISTRY, FAILURE_STORE, PinoLogger],
          useFactory: (registry: Registry, failures: FailureStore, logger: PinoLogger) =>
            new WorkspaceFreshnessMetrics(registry, failures, {
              topWorkspaces: config.freshnessTopWorkspaces,
              onError: (reason) =>
                logger.warn(
                  { event: 'metrics.freshness-unreadable', reason },
                  'backup freshness not exported this scrape',
                ),
            }),
        },
        {
          provide: AUDIT_LOG_STORE,
          inject: [DATA_SOURCE],
          useFactory: (dataSource: DataSource) => new PgAuditLogStore(dataSource),
        },
        {
          provide: CONFIGURATION_STORE,
          inject: [DATA_SOURCE, AUDIT_LOG_STORE],
          useFactory: (dataSource: DataSource, auditLog: AuditLogStore) =>
            new PgConfigurationStore(dataSource, auditLog),
        },
        {
          provide: FAILURE_STORE,
          inject: [DATA_SOURCE, AUDIT_LOG_STORE],
          useFactory: (dataSource: DataSource, auditLog: AuditLogStore) =>
            new PgFailureStore(dataSource, auditLog),
        },
        {
          provide: REPLAY_JOB_STORE,
          inject: [DATA_SOURCE, AUDIT_LOG_STORE],
          useFactory: (dataSource: DataSource, auditLog: AuditLogStore) =>
            new PgReplayJobStore(dataSource, auditLog),
        },
        {
          provide: KEY_INTEGRATION_STORE,
          inject: [DATA_SOURCE, AUDIT_LOG_STORE],
          useFactory: (dataSource: DataSource, auditLog: AuditLogStore) =>
            new PgKeyIntegrationStore(dataSource, auditLog),
        },
        {
          provide: KEY_VAULT_PROBE,
          inject: [KEY_VAULT_CONNECTIONS],
          useFactory: (connections: KeyVaultConnectionFactory) => new KeyVaultProbe(connections),
        },
        KeyIntegrationService,
        {
          provide: CYBERARK_PROBE,
          inject: [TENANT_URL_POLICY, BACKUP_CONFIG],
          useFactory: (policy: TenantUrlPolicy, backup: BackupConfig) =>
            new CyberArkProbe({
              timeoutMs: backup.cyberark.requestTimeoutMs,
              retries: Math.min(backup.cyberark.retries, 1),
              network: policy.networkOptions(),
            }),
        },
        {
          provide: ClientSecretBox,
          inject: [DATA_CIPHER],
          useFactory: (cipher: DataCipher) => new ClientSecretBox(cipher),
        },
        {
          provide: ConfigurationChanges,
          inject: [WORKSPACE_TARGETS, CYBERARK_CLIENT_FACTORY],
          useFactory: (targets: WorkspaceTargetsPort, clients: CyberArkClientFactory) =>
            new ConfigurationChanges(targets, clients),
        },
        BackupStatusService,
        ConnectionService,
        TargetsService,
        LifecycleService,
        FailuresService,
        ReplayProducer,
        FailureReplayService,
        DeadLetterImporter,
        ConsumerProgress,
        ReplayJobsService,
        ReplayJobRunner,
        AuditLogService,
        VaultBackupsService,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AdminRequestMiddleware).forRoutes(...API_CONTROLLERS);
  }
}

/** The admin API's OpenAPI document, from the code alone (no configuration, no I/O). */
export function buildAdminApiDocument(): Promise<OpenAPIObject> {
  return buildOpenApiDocument(
    {
      module: DocumentRootModule,
      imports: [DocumentStubsModule, AdminModule.forRoot({ config: DOCUMENT_CONFIG })],
    },
    AdminModule,
  );
}
