import { Inject, Injectable } from '@nestjs/common';
import { Secret } from '@vault-backup/config';
import { isAppError } from '@vault-backup/errors';
import { type DataCipher } from '@vault-backup/crypto';
import { UrlNotAllowedError } from '@vault-backup/url-policy';
import { DATA_CIPHER } from '../../crypto/crypto.tokens';
import { keyPrefixOf } from '../../key-vault/workspace-key';
import {
  type RewrapCounts,
  WORKSPACE_KEYS,
  type WorkspaceKeysPort,
} from '../../key-vault/workspace-keys.port';
import { CONFIGURATION_STORE, KEY_INTEGRATION_STORE, KEY_VAULT_PROBE } from '../admin.tokens';
import { ClientSecretBox } from '../configuration/client-secret.box';
import { type ConfigurationStore } from '../configuration/configuration.store';
import { type AuditEntryInput } from '../audit/audit-entry';
import { RequestValidationError, ResourceNotFoundError, StateConflictError } from '../http/admin.errors';
import { type Actor } from '../http/request-context';
import { WorkspaceCheckLimiter } from '../rate-limit/workspace-check.limiter';
import { auditEntry } from '../setup/setup-audit';
import { type KeyIntegrationDto } from './dto/key-integration.dto';
import {
  type KeyCheckReportDto,
  type KeyIntegrationResultDto,
  type KeyIntegrationViewDto,
} from './dto/key-integration-view.dto';
import {
  KEY_CLIENT_SECRET_CIPHER_CONTEXT,
  type KeyCheckReport,
  type KeyIntegration,
  type KeyIntegrationInput,
  type KeyProbeResult,
} from './key-integration';
import { type KeyIntegrationStore } from './key-integration.store';
import { type KeyVaultProbePort } from './key-vault-probe.port';

export const KEY_INTEGRATION_NOT_FOUND = 'KEY_INTEGRATION_NOT_FOUND';
export const KEY_ACCESS_LOST = 'KEY_ACCESS_LOST';

/**
 * The workspace's customer-managed key: set (validate, then store), re-validate, rotate to the key's
 * current version, remove. Only a key that passed every check is ever stored, so the pipeline never
 * seals data under a key it could not unwrap with; a stored key whose access is lost later stays the
 * workspace's key (its backups park) until an admin removes it, because falling back to our own key
 * silently would undo the customer's revocation.
 */
@Injectable()
export class KeyIntegrationService {
  constructor(
    @Inject(KEY_INTEGRATION_STORE) private readonly store: KeyIntegrationStore,
    @Inject(KEY_VAULT_PROBE) private readonly probe: KeyVaultProbePort,
    @Inject(DATA_CIPHER) private readonly cipher: DataCipher,
    @Inject(WORKSPACE_KEYS) private readonly keys: WorkspaceKeysPort,
    @Inject(CONFIGURATION_STORE) private readonly configurations: ConfigurationStore,
    private readonly connectionSecrets: ClientSecretBox,
    private readonly limiter: WorkspaceCheckLimiter,
  ) {}

  // Set, validate and rotate call Key Vault and write audit rows: each runs within the workspace's check budget.
  replace(workspaceId: string, body: KeyIntegrationDto, actor: Actor): Promise<KeyIntegrationResultDto> {
    return this.limiter.run(workspaceId, () => this.checkAndStore(workspaceId, body, actor));
  }

  validate(workspaceId: string, actor: Actor): Promise<KeyIntegrationResultDto> {
    return this.limiter.run(workspaceId, () => this.checkStored(workspaceId, actor));
  }

  rotate(workspaceId: string, actor: Actor): Promise<KeyIntegrationResultDto> {
    return this.limiter.run(workspaceId, () => this.adoptCurrentVersion(workspaceId, actor));
  }

  async get(workspaceId: string): Promise<KeyIntegrationViewDto> {
    return present(await this.existing(workspaceId));
  }

  private async checkAndStore(
    workspaceId: string,
    body: KeyIntegrationDto,
    actor: Actor,
  ): Promise<KeyIntegrationResultDto> {
    const input = this.inputOf(body);
    const existing = await this.store.find(workspaceId);
    const probed = await this.probe.check(input);
    if (!probed.key) {
      await this.store.audit([checkFailed(workspaceId, actor, input, probed.report)]);
      return {
        status: 'failed',
        report: reportDto(probed.report),
        ...(existing ? { keyIntegration: present(existing) } : {}),
      };
    }
    const anotherKey = existing !== null && keyPrefix(existing) !== keyPrefix(input);
    // Data sealed under the previous key must be moved off it while its credentials still work.
    if (anotherKey) await this.detachOrRefuse(workspaceId, 'change the key');
    const saved = await this.store.save(
      {
        workspaceId,
        directoryTenantId: input.directoryTenantId,
        clientId: input.clientId,
        clientSecretCiphertext: await this.cipher.encrypt(
          input.clientSecret.reveal(),
          KEY_CLIENT_SECRET_CIPHER_CONTEXT,
        ),
        vaultUrl: input.vaultUrl,
        keyName: input.keyName,
        keyId: probed.key.keyId,
        publicKeyJwk: probed.key.publicJwk,
        lastCheck: probed.report,
        validatedAt: new Date(probed.report.checkedAt),
      },
      existing?.revision ?? null,
      [
        auditEntry(workspaceId, actor, 'key-connected', {
          vaultUrl: input.vaultUrl,
          keyName: input.keyName,
          keyId: probed.key.keyId,
          ...(existing ? { previousKeyId: existing.keyId } : {}),
        }),
      ],
    );
    this.keys.changed(workspaceId);
    const keyChanged = existing?.keyId !== saved.keyId;
    const rewrap = keyChanged ? await this.keys.rewrap(workspaceId) : undefined;
    if (keyChanged) await this.resealConnectionSecret(workspaceId);
    return {
      status: 'passed',
      report: reportDto(probed.report),
      keyIntegration: present(saved),
      ...withRewrap(rewrap),
    };
  }

  private async checkStored(workspaceId: string, actor: Actor): Promise<KeyIntegrationResultDto> {
    const existing = await this.existing(workspaceId);
    const probed = await this.probe.check(await this.storedInput(existing));
    const passed = probed.key !== undefined;
    const saved = await this.store.recordCheck(workspaceId, probed.report, existing.revision, [
      auditEntry(workspaceId, actor, passed ? 'key-validated' : 'key-validation-failed', {
        keyId: existing.keyId,
        ...failedChecks(probed.report),
      }),
    ]);
    return {
      status: passed ? 'passed' : 'failed',
      report: reportDto(probed.report),
      keyIntegration: present(saved),
    };
  }

  /** After the customer rotated the key in Key Vault: new data uses its current version, old data is re-wrapped. */
  private async adoptCurrentVersion(workspaceId: string, actor: Actor): Promise<KeyIntegrationResultDto> {
    const existing = await this.existing(workspaceId);
    const probed: KeyProbeResult = await this.probe.check(await this.storedInput(existing));
    if (!probed.key) {
      const saved = await this.store.recordCheck(workspaceId, probed.report, existing.revision, [
        auditEntry(workspaceId, actor, 'key-validation-failed', {
          keyId: existing.keyId,
          ...failedChecks(probed.report),
        }),
      ]);
      return { status: 'failed', report: reportDto(probed.report), keyIntegration: present(saved) };
    }
    const saved = await this.store.save(
      {
        ...existing,
        keyId: probed.key.keyId,
        publicKeyJwk: probed.key.publicJwk,
        lastCheck: probed.report,
        validatedAt: new Date(probed.report.checkedAt),
      },
      existing.revision,
      [
        auditEntry(workspaceId, actor, 'key-rotated', {
          fromKeyId: existing.keyId,
          toKeyId: probed.key.keyId,
        }),
      ],
    );
    this.keys.changed(workspaceId);
    const rewrap = await this.keys.rewrap(workspaceId);
    return {
      status: 'passed',
      report: reportDto(probed.report),
      keyIntegration: present(saved),
      ...withRewrap(rewrap),
    };
  }

  /**
   * Without `shred`, the workspace's data is first re-wrapped under the service key, which needs the
   * customer's key one last time. With `shred`, the integration is forgotten as it is: whatever was
   * sealed under the customer's key stays unreadable to us for good (crypto-shredding).
   */
  async remove(workspaceId: string, actor: Actor, shred: boolean): Promise<void> {
    const existing = await this.store.find(workspaceId);
    if (existing === null) return;
    const detached = shred ? undefined : await this.detachOrRefuse(workspaceId, 'remove the key');
    await this.store.delete(workspaceId, [
      auditEntry(workspaceId, actor, 'key-removed', {
        keyId: existing.keyId,
        shredded: shred,
        ...(detached ? { rewrapped: detached.rewrapped, alreadyCurrent: detached.alreadyCurrent } : {}),
      }),
    ]);
    this.keys.changed(workspaceId);
  }

  /**
   * Data keys cannot gain a share after the fact, so the one secret every backup of the workspace needs,
   * its CyberArk client secret, is sealed again now: from here on it opens only with the workspace's key.
   */
  private async resealConnectionSecret(workspaceId: string): Promise<void> {
    const configuration = await this.configurations.find(workspaceId);
    if (!configuration?.connection) return;
    const { connection, revision, createdAt: _created, updatedAt: _updated, ...draft } = configuration;
    const secret = await this.connectionSecrets.open(workspaceId, connection.clientSecretCiphertext);
    const clientSecretCiphertext = await this.connectionSecrets.seal(workspaceId, secret);
    await this.configurations.save(
      { ...draft, connection: { ...connection, clientSecretCiphertext } },
      revision,
      [],
    );
  }

  private async detachOrRefuse(workspaceId: string, action: string): Promise<RewrapCounts> {
    let counts: RewrapCounts;
    try {
      counts = await this.keys.detach(workspaceId);
    } catch (error) {
      if (!isAppError(error)) throw error;
      throw accessLost(action, error.code);
    }
    if (counts.failed > 0) throw accessLost(action);
    return counts;
  }

  private async existing(workspaceId: string): Promise<KeyIntegration> {
    const existing = await this.store.find(workspaceId);
    if (existing === null)
      throw new ResourceNotFoundError(KEY_INTEGRATION_NOT_FOUND, 'this workspace has no key integration');
    return existing;
  }

  private async storedInput(existing: KeyIntegration): Promise<KeyIntegrationInput> {
    const secret = await this.cipher.decrypt(
      existing.clientSecretCiphertext,
      KEY_CLIENT_SECRET_CIPHER_CONTEXT,
    );
    return {
      directoryTenantId: existing.directoryTenantId,
      clientId: existing.clientId,
      clientSecret: new Secret(Buffer.from(secret).toString('utf8')),
      vaultUrl: existing.vaultUrl,
      keyName: existing.keyName,
    };
  }

  private inputOf(body: KeyIntegrationDto): KeyIntegrationInput {
    let vaultUrl: string;
    try {
      vaultUrl = this.probe.normalizeVaultUrl(body.vaultUrl);
    } catch (error) {
      if (!(error instanceof UrlNotAllowedError)) throw error;
      throw new RequestValidationError([{ field: 'vaultUrl', message: error.message, reason: error.reason }]);
    }
    return {
      directoryTenantId: body.directoryTenantId.toLowerCase(),
      clientId: body.clientId.toLowerCase(),
      clientSecret: new Secret(body.clientSecret),
      vaultUrl,
      keyName: body.keyName,
    };
  }
}

function accessLost(action: string, code?: string): StateConflictError {
  return new StateConflictError(
    KEY_ACCESS_LOST,
    `cannot ${action}: data sealed under the current key cannot be re-wrapped${code ? ` (${code})` : ''}. ` +
      "Restore the service principal's access and retry, or remove the key with shred=true to make that data " +
      'unreadable for good (crypto-shredding).',
  );
}

function keyPrefix(integration: { vaultUrl: string; keyName: string }): string {
  return keyPrefixOf(integration).toLowerCase();
}

function checkFailed(
  workspaceId: string,
  actor: Actor,
  input: KeyIntegrationInput,
  report: KeyCheckReport,
): AuditEntryInput {
  return auditEntry(workspaceId, actor, 'key-validation-failed', {
    vaultUrl: input.vaultUrl,
    keyName: input.keyName,
    ...failedChecks(report),
  });
}

function failedChecks(report: KeyCheckReport): { failedChecks?: string[] } {
  const failed = report.checks.filter((check) => check.status === 'failed').map((check) => check.name);
  return failed.length === 0 ? {} : { failedChecks: failed };
}

function withRewrap(rewrap: RewrapCounts | undefined): { rewrap?: RewrapCounts } {
  return rewrap === undefined ? {} : { rewrap };
}

function present(integration: KeyIntegration): KeyIntegrationViewDto {
  return {
    directoryTenantId: integration.directoryTenantId,
    clientId: integration.clientId,
    clientSecretSet: true,
    vaultUrl: integration.vaultUrl,
    keyName: integration.keyName,
    keyId: integration.keyId,
    validatedAt: integration.validatedAt.toISOString(),
    lastCheck: reportDto(integration.lastCheck),
    notices: noticesOf(integration.lastCheck),
  };
}

function reportDto(report: KeyCheckReport): KeyCheckReportDto {
  return {
    outcome: report.outcome,
    checkedAt: report.checkedAt,
    checks: report.checks.map((check) => ({ ...check })),
  };
}

function noticesOf(lastCheck: KeyCheckReport): string[] {
  if (lastCheck.outcome === 'passed') return [];
  const failed = lastCheck.checks.find((check) => check.status === 'failed');
  return [
    `The last check of the key failed${failed ? ` (${failed.name}: ${failed.message})` : ''}. ` +
      'New backups of this workspace park until access returns or the retry budget ends.',
  ];
}
