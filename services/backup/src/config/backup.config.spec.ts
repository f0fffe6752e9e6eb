import { ConfigurationError } from '@vault-backup/errors';
import { loadBackupConfig } from './backup.config';

const minimal = {
  DATABASE_URL: 'postgres://user:db-password-123@127.0.0.1:5432/vault_backup',
  KAFKA_BROKERS: '127.0.0.1:19092, 127.0.0.1:19093',
  DATA_ENCRYPTION_KEYS: 'k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
  FINGERPRINT_KEY: 'fingerprint-key-material-0123456789abcdef',
  AUTH_JWKS_URL: 'https://issuer.example.com/.well-known/jwks.json',
  AUTH_ISSUER: 'https://issuer.example.com',
  AUTH_AUDIENCE: 'vault-backup-admin',
};

describe('loadBackupConfig', () => {
  it('applies documented defaults to a minimal environment', () => {
    const config = loadBackupConfig(minimal);
    expect(config.http.port).toBe(8080);
    expect(config.kafka.brokers).toEqual(['127.0.0.1:19092', '127.0.0.1:19093']);
    expect(config.kafka.topics).toEqual(['account-created', 'account-updated']);
    expect(config.kafka.dlqTopic).toBe('account-events.dlq');
    expect(config.shutdownTimeoutMs).toBe(25_000);
    expect(config.pipeline).toMatchObject({
      tenantMaxInFlight: 16,
      maxInFlight: 256,
      retryMaxDelayMs: 300_000,
      stallAfterMs: 120_000,
      fatalAfterMs: 60_000,
    });
  });

  it('migrates at start under a 2-minute lock wait unless told otherwise', () => {
    expect(loadBackupConfig(minimal).database).toMatchObject({
      migrateOnStart: true,
      migrationLockTimeoutMs: 120_000,
    });
    expect(
      loadBackupConfig({
        ...minimal,
        DATABASE_MIGRATE_ON_START: 'false',
        DATABASE_MIGRATION_LOCK_TIMEOUT: '5m',
      }).database,
    ).toMatchObject({ migrateOnStart: false, migrationLockTimeoutMs: 300_000 });
    expect(() => loadBackupConfig({ ...minimal, DATABASE_MIGRATION_LOCK_TIMEOUT: 'soon' })).toThrow(
      /DATABASE_MIGRATION_LOCK_TIMEOUT must be a duration/,
    );
  });

  it('never renders key material', () => {
    const rendered = JSON.stringify(loadBackupConfig(minimal));
    expect(rendered).not.toContain('fingerprint-key-material');
    expect(rendered).not.toContain('AAAAAAAA');
  });

  it('keeps the database URL (it embeds a password) out of every rendering', () => {
    const config = loadBackupConfig(minimal);
    expect(JSON.stringify(config)).not.toContain('db-password-123');
    expect(String(config.database.url)).toBe('[redacted]');
    expect(config.database.url.reveal()).toBe(minimal.DATABASE_URL);
  });

  it('names every missing variable at once', () => {
    expect(() => loadBackupConfig({})).toThrow(
      /DATABASE_URL is required.*KAFKA_BROKERS is required.*DATA_ENCRYPTION_KEYS is required/,
    );
  });

  it('treats an empty value as unset so the default applies', () => {
    expect(loadBackupConfig({ ...minimal, HTTP_PORT: '' }).http.port).toBe(8080);
  });

  it('rejects malformed values with the rule, never the value', () => {
    let error: unknown;
    try {
      loadBackupConfig({
        ...minimal,
        HTTP_PORT: 'eighty',
        SHUTDOWN_TIMEOUT: '10 minutes',
        DATABASE_URL: 'mysql://secret-pw@x/db',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message).toMatch(/HTTP_PORT must be an integer/);
    expect(message).toMatch(/SHUTDOWN_TIMEOUT must be a duration/);
    expect(message).toMatch(/DATABASE_URL must be a URL/);
    expect(message).not.toContain('secret-pw');
  });

  it('requires SASL credentials when a mechanism is set and hides the password', () => {
    expect(() => loadBackupConfig({ ...minimal, KAFKA_SASL_MECHANISM: 'plain' })).toThrow(
      /KAFKA_SASL_USERNAME/,
    );
    const config = loadBackupConfig({
      ...minimal,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: 'sasl-pw-999',
    });
    expect(JSON.stringify(config)).not.toContain('sasl-pw-999');
  });

  it('rejects a heartbeat interval that could not keep the session alive', () => {
    expect(() =>
      loadBackupConfig({ ...minimal, KAFKA_HEARTBEAT_INTERVAL: '20s', KAFKA_SESSION_TIMEOUT: '30s' }),
    ).toThrow(/KAFKA_HEARTBEAT_INTERVAL/);
  });

  it('reads the stall and fatal bounds as durations', () => {
    const config = loadBackupConfig({ ...minimal, BACKUP_STALL_AFTER: '5m', BACKUP_FATAL_AFTER: '90s' });
    expect(config.pipeline).toMatchObject({ stallAfterMs: 300_000, fatalAfterMs: 90_000 });
  });

  it('rejects a stall bound a healthy slow batch could reach', () => {
    expect(() =>
      loadBackupConfig({ ...minimal, BACKUP_STALL_AFTER: '2s', BACKUP_SLOW_WRITE_PARK_AFTER: '2s' }),
    ).toThrow(/BACKUP_STALL_AFTER must exceed/);
  });
});

describe('simulator switches', () => {
  const switches = {
    CYBERARK_ALLOW_INSECURE_LOOPBACK: 'true',
    KEY_VAULT_ALLOW_INSECURE_LOOPBACK: 'true',
    KEY_VAULT_CONNECT_TO: '127.0.0.1:18444',
    KEY_VAULT_AUTHORITY_HOST: 'https://127.0.0.1:18445',
  };

  it.each(Object.entries(switches))('refuses %s with NODE_ENV=production, naming it', (name, value) => {
    for (const env of [{ NODE_ENV: 'production' }, {}]) {
      expect(() => loadBackupConfig({ ...minimal, ...env, [name]: value })).toThrow(ConfigurationError);
      expect(() => loadBackupConfig({ ...minimal, ...env, [name]: value })).toThrow(
        new RegExp(`${name}.* is for simulators \\(demo, tests\\) and is refused with NODE_ENV=production`),
      );
    }
  });

  it('names every switch at once', () => {
    expect(() => loadBackupConfig({ ...minimal, ...switches })).toThrow(
      /CYBERARK_ALLOW_INSECURE_LOOPBACK.*KEY_VAULT_ALLOW_INSECURE_LOOPBACK.*KEY_VAULT_CONNECT_TO.*KEY_VAULT_AUTHORITY_HOST/,
    );
  });

  it.each(['development', 'test'])('accepts them with NODE_ENV=%s', (nodeEnv) => {
    const config = loadBackupConfig({ ...minimal, ...switches, NODE_ENV: nodeEnv });
    expect(config.admin.tenantUrls.allowInsecureLoopback).toBe(true);
    expect(config.keyVault).toMatchObject({
      allowInsecureLoopback: true,
      vaultConnectTo: { host: '127.0.0.1', port: 18444 },
      authorityHost: 'https://127.0.0.1:18445',
    });
  });

  it('keeps an extra CA allowed in production (a corporate CA in front of Azure)', () => {
    expect(
      loadBackupConfig({ ...minimal, NODE_ENV: 'production', KEY_VAULT_EXTRA_CA_FILE: '/etc/ca.pem' })
        .keyVault.extraCaFile,
    ).toBe('/etc/ca.pem');
  });
});
