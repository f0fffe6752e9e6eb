import { type DataCipher } from '@vault-backup/crypto';
import { UrlNotAllowedError } from '@vault-backup/url-policy';
import { type RewrapCounts, type WorkspaceKeysPort } from '../../key-vault/workspace-keys.port';
import { type AuditEntryInput } from '../audit/audit-entry';
import { type BackupConfiguration, DEFAULT_OPTIONS } from '../configuration/backup-configuration';
import { WorkspaceCheckLimiter } from '../rate-limit/workspace-check.limiter';
import { ClientSecretBox } from '../configuration/client-secret.box';
import { type ConfigurationStore } from '../configuration/configuration.store';
import { RequestValidationError, ResourceNotFoundError, StateConflictError } from '../http/admin.errors';
import { type Actor } from '../http/request-context';
import { type KeyIntegrationDto } from './dto/key-integration.dto';
import {
  type KeyCheckReport,
  type KeyIntegration,
  type KeyIntegrationDraft,
  type KeyIntegrationInput,
  type KeyProbeResult,
} from './key-integration';
import { KeyIntegrationService } from './key-integration.service';
import { type KeyIntegrationStore } from './key-integration.store';
import { type KeyVaultProbePort } from './key-vault-probe.port';

const WS = 'ws-1';
const ACTOR: Actor = { sub: 'admin-1', role: 'admin', requestId: 'req-1' };
const VAULT = 'https://acme.vault.azure.net';
const JWK = { kty: 'RSA', n: 'AQAB', e: 'AQAB' } as const;

function body(overrides: Partial<KeyIntegrationDto> = {}): KeyIntegrationDto {
  return {
    directoryTenantId: '72F988BF-86F1-41AF-91AB-2D7CD011DB47',
    clientId: '0c3a5b7e-2f6d-4a8b-9c1d-3e5f7a9b1c2d',
    clientSecret: 'MARKER-secret',
    vaultUrl: 'acme',
    keyName: 'cmk',
    ...overrides,
  };
}

function report(outcome: 'passed' | 'failed'): KeyCheckReport {
  return {
    outcome,
    checkedAt: '2026-12-03T10:00:00.000Z',
    checks: [
      outcome === 'passed'
        ? { name: 'round-trip', status: 'passed', message: 'ok' }
        : { name: 'key-size', status: 'failed', problem: 'key-size', message: '2048 bits', fix: 'use 4096' },
    ],
  };
}

class MemoryStore implements KeyIntegrationStore {
  row: KeyIntegration | null = null;
  readonly audits: AuditEntryInput[] = [];

  find(): Promise<KeyIntegration | null> {
    return Promise.resolve(this.row);
  }
  save(draft: KeyIntegrationDraft, expected: number | null, audit: readonly AuditEntryInput[]) {
    if ((this.row?.revision ?? null) !== expected) return Promise.reject(new Error('concurrent'));
    const now = new Date();
    this.row = { ...draft, revision: (expected ?? 0) + 1, createdAt: now, updatedAt: now };
    this.audits.push(...audit);
    return Promise.resolve(this.row);
  }
  recordCheck(_ws: string, lastCheck: KeyCheckReport, _expected: number, audit: readonly AuditEntryInput[]) {
    this.row = { ...(this.row as KeyIntegration), lastCheck, revision: (this.row?.revision ?? 0) + 1 };
    this.audits.push(...audit);
    return Promise.resolve(this.row);
  }
  audit(entries: readonly AuditEntryInput[]): Promise<void> {
    this.audits.push(...entries);
    return Promise.resolve();
  }
  delete(_ws: string, audit: readonly AuditEntryInput[]) {
    const row = this.row;
    this.row = null;
    this.audits.push(...audit);
    return Promise.resolve(row);
  }
}

class ScriptedProbe implements KeyVaultProbePort {
  version = 'v1';
  outcome: 'passed' | 'failed' = 'passed';
  readonly checked: KeyIntegrationInput[] = [];

  normalizeVaultUrl(raw: string): string {
    if (raw.includes('internal'))
      throw new UrlNotAllowedError('host-not-allowed', 'must be a Key Vault host');
    return raw.startsWith('https://') ? raw : `https://${raw}.vault.azure.net`;
  }
  check(input: KeyIntegrationInput): Promise<KeyProbeResult> {
    this.checked.push(input);
    if (this.outcome === 'failed') return Promise.resolve({ report: report('failed') });
    const keyId = `${input.vaultUrl}/keys/${input.keyName}/${this.version}`;
    return Promise.resolve({ report: report('passed'), key: { keyId, publicJwk: JWK } });
  }
}

class RecordingKeys implements WorkspaceKeysPort {
  readonly calls: string[] = [];
  detachFails = false;

  changed(workspaceId: string): void {
    this.calls.push(`changed ${workspaceId}`);
  }
  rewrap(workspaceId: string): Promise<RewrapCounts> {
    this.calls.push(`rewrap ${workspaceId}`);
    return Promise.resolve({ rewrapped: 2, alreadyCurrent: 1, failed: 0 });
  }
  detach(workspaceId: string): Promise<RewrapCounts> {
    this.calls.push(`detach ${workspaceId}`);
    return Promise.resolve({
      rewrapped: this.detachFails ? 0 : 3,
      alreadyCurrent: 0,
      failed: this.detachFails ? 1 : 0,
    });
  }
}

/** Reversible and recognisable: enough to see that the secret is sealed, and opened for re-checks. */
let sealed = 0;
const cipher: DataCipher = {
  encrypt: (plaintext) => {
    sealed += 1;
    return Promise.resolve(`sealed${sealed}(${Buffer.from(plaintext).toString('base64')})`);
  },
  decrypt: (token) => Promise.resolve(Buffer.from(token.slice(token.indexOf('(') + 1, -1), 'base64')),
};

/** Only what re-sealing the CyberArk client secret uses. */
class MemoryConfigurations {
  row: BackupConfiguration | null = null;
  find(): Promise<BackupConfiguration | null> {
    return Promise.resolve(this.row);
  }
  save(draft: Omit<BackupConfiguration, 'revision' | 'createdAt' | 'updatedAt'>, revision: number) {
    const now = new Date();
    this.row = { ...draft, revision: revision + 1, createdAt: now, updatedAt: now };
    return Promise.resolve(this.row);
  }
}

let configurations: MemoryConfigurations;
let store: MemoryStore;
let probe: ScriptedProbe;
let keys: RecordingKeys;
let service: KeyIntegrationService;

beforeEach(() => {
  store = new MemoryStore();
  probe = new ScriptedProbe();
  keys = new RecordingKeys();
  configurations = new MemoryConfigurations();
  service = new KeyIntegrationService(
    store,
    probe,
    cipher,
    keys,
    configurations as unknown as ConfigurationStore,
    new ClientSecretBox(cipher),
    new WorkspaceCheckLimiter({ perMinute: 10_000, burst: 1_000, concurrency: 2 }),
  );
});

describe('KeyIntegrationService', () => {
  it('stores a key that passed every check, with the secret sealed and ids normalised, and audits it', async () => {
    const result = await service.replace(WS, body(), ACTOR);

    expect(result.status).toBe('passed');
    expect(result.keyIntegration).toMatchObject({
      vaultUrl: VAULT,
      keyId: `${VAULT}/keys/cmk/v1`,
      directoryTenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      clientSecretSet: true,
    });
    expect(JSON.stringify(result)).not.toContain('MARKER');
    expect(store.row?.clientSecretCiphertext).not.toContain('MARKER');
    expect(store.audits.map((entry) => entry.action)).toEqual(['key-connected']);
    expect(JSON.stringify(store.audits)).not.toContain('MARKER');
    expect(keys.calls).toEqual([`changed ${WS}`, `rewrap ${WS}`]);
  });

  it("re-seals the workspace's CyberArk client secret once its key is set, so it opens only with that key", async () => {
    const now = new Date();
    configurations.row = {
      workspaceId: WS,
      status: 'enabled',
      connection: {
        identityUrl: 'https://a.id.cyberark.cloud',
        privilegeCloudUrl: 'https://a.privilegecloud.cyberark.cloud',
        clientId: 'svc',
        clientSecretCiphertext: await cipher.encrypt('cyberark-secret', 'client-secret', WS),
      },
      targets: null,
      options: DEFAULT_OPTIONS,
      lastCheck: null,
      connectedAt: now,
      validatedAt: now,
      enabledAt: now,
      revision: 3,
      createdAt: now,
      updatedAt: now,
    };
    const before = configurations.row.connection?.clientSecretCiphertext;

    await service.replace(WS, body(), ACTOR);

    expect(configurations.row.revision).toBe(4);
    expect(configurations.row.connection?.clientSecretCiphertext).not.toBe(before);
    expect(
      Buffer.from(
        await cipher.decrypt(configurations.row.connection!.clientSecretCiphertext, 'x', WS),
      ).toString(),
    ).toBe('cyberark-secret');
  });

  it('stores nothing when a check fails, and audits the failed checks by name', async () => {
    probe.outcome = 'failed';

    const result = await service.replace(WS, body(), ACTOR);

    expect(result).toMatchObject({ status: 'failed', report: { outcome: 'failed' } });
    expect(result.keyIntegration).toBeUndefined();
    expect(store.row).toBeNull();
    expect(store.audits).toEqual([
      expect.objectContaining({
        action: 'key-validation-failed',
        details: expect.objectContaining({ failedChecks: ['key-size'] }),
      }),
    ]);
    expect(keys.calls).toEqual([]);
  });

  it('answers a vault URL the policy refuses as a field problem, without contacting anything', async () => {
    const attempt = service.replace(WS, body({ vaultUrl: 'https://internal.example' }), ACTOR);

    await expect(attempt).rejects.toThrow(RequestValidationError);
    await expect(attempt).rejects.toMatchObject({
      problems: [{ field: 'vaultUrl', reason: 'host-not-allowed' }],
    });
    expect(probe.checked).toHaveLength(0);
  });

  it('moves data off the previous key before switching to another key', async () => {
    await service.replace(WS, body(), ACTOR);
    keys.calls.length = 0;

    await service.replace(WS, body({ keyName: 'other-key' }), ACTOR);

    expect(keys.calls).toEqual([`detach ${WS}`, `changed ${WS}`, `rewrap ${WS}`]);
    expect(store.row?.keyId).toBe(`${VAULT}/keys/other-key/v1`);
  });

  it('refuses to switch keys while data under the previous one cannot be re-wrapped', async () => {
    await service.replace(WS, body(), ACTOR);
    keys.detachFails = true;

    await expect(service.replace(WS, body({ keyName: 'other-key' }), ACTOR)).rejects.toMatchObject({
      code: 'KEY_ACCESS_LOST',
    });
    expect(store.row?.keyId).toBe(`${VAULT}/keys/cmk/v1`);
  });

  it('rotates to the current key version and re-wraps the data keys', async () => {
    await service.replace(WS, body(), ACTOR);
    probe.version = 'v2';

    const result = await service.rotate(WS, ACTOR);

    expect(result.keyIntegration?.keyId).toBe(`${VAULT}/keys/cmk/v2`);
    expect(result.rewrap).toEqual({ rewrapped: 2, alreadyCurrent: 1, failed: 0 });
    expect(store.audits.at(-1)).toMatchObject({
      action: 'key-rotated',
      details: { fromKeyId: `${VAULT}/keys/cmk/v1`, toKeyId: `${VAULT}/keys/cmk/v2` },
    });
    // The stored secret was opened for the check, not asked for again.
    expect(probe.checked.at(-1)?.clientSecret.reveal()).toBe('MARKER-secret');
  });

  it('keeps a key whose re-check failed (access revoked) and says what that means', async () => {
    await service.replace(WS, body(), ACTOR);
    probe.outcome = 'failed';

    const result = await service.validate(WS, ACTOR);

    expect(result.status).toBe('failed');
    expect(result.keyIntegration?.keyId).toBe(`${VAULT}/keys/cmk/v1`);
    expect(result.keyIntegration?.notices[0]).toMatch(/park until access returns/);
  });

  it('removes after re-wrapping under the service key, or shreds when told to', async () => {
    await service.replace(WS, body(), ACTOR);
    keys.detachFails = true;

    await expect(service.remove(WS, ACTOR, false)).rejects.toThrow(StateConflictError);
    expect(store.row).not.toBeNull();

    await service.remove(WS, ACTOR, true);
    expect(store.row).toBeNull();
    expect(store.audits.at(-1)).toMatchObject({ action: 'key-removed', details: { shredded: true } });
    await expect(service.get(WS)).rejects.toThrow(ResourceNotFoundError);
  });
});
