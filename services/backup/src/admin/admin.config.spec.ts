import { ConfigurationError } from '@vault-backup/errors';
import { loadAdminConfig } from './admin.config';

const minimal = {
  AUTH_JWKS_URL: 'https://login.example.com/.well-known/jwks.json',
  AUTH_ISSUER: 'https://login.example.com/',
  AUTH_AUDIENCE: 'vault-backup-admin',
};

describe('loadAdminConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadAdminConfig(minimal);
    expect(config.auth.clockToleranceSeconds).toBe(30);
    expect(config.tenantUrls).toEqual({
      allowedDomains: ['cyberark.cloud'],
      allowedPorts: [443],
      allowInsecureLoopback: false,
    });
    expect(config.replay.maxPerRequest).toBe(1_000);
    expect(config.auth.maxTokenAgeSeconds).toBe(86_400);
    expect(config.checks).toEqual({ perMinute: 10, burst: 5, concurrency: 2 });
  });

  it('reads the check budget and the maximum token age', () => {
    const config = loadAdminConfig({
      ...minimal,
      ADMIN_CHECKS_PER_MINUTE: '30',
      ADMIN_CHECKS_BURST: '3',
      ADMIN_CHECKS_CONCURRENCY: '1',
      AUTH_MAX_TOKEN_AGE: '1h',
    });
    expect(config.checks).toEqual({ perMinute: 30, burst: 3, concurrency: 1 });
    expect(config.auth.maxTokenAgeSeconds).toBe(3_600);
  });

  it('names every missing variable', () => {
    expect(() => loadAdminConfig({})).toThrow(
      /AUTH_JWKS_URL is required.*AUTH_ISSUER is required.*AUTH_AUDIENCE is required/,
    );
  });

  it('reads extra domains, ports and the loopback switch', () => {
    const config = loadAdminConfig({
      ...minimal,
      CYBERARK_ALLOWED_DOMAINS: 'cyberark.cloud, vault.example.com',
      CYBERARK_ALLOWED_PORTS: '443,8443',
      CYBERARK_ALLOW_INSECURE_LOOPBACK: 'true',
    });
    expect(config.tenantUrls).toEqual({
      allowedDomains: ['cyberark.cloud', 'vault.example.com'],
      allowedPorts: [443, 8443],
      allowInsecureLoopback: true,
    });
  });

  it.each([
    [{ CYBERARK_ALLOWED_DOMAINS: '10.0.0.1' }, /allowed domain/],
    [{ CYBERARK_ALLOWED_PORTS: '443,http' }, /CYBERARK_ALLOWED_PORTS/],
    [{ AUTH_JWKS_URL: 'http://login.example.com/jwks' }, /AUTH_JWKS_URL must use https/],
    [{ AUTH_MAX_TOKEN_AGE: '10s' }, /AUTH_MAX_TOKEN_AGE must be at least 1m/],
    [{ ADMIN_CHECKS_PER_MINUTE: '0' }, /ADMIN_CHECKS_PER_MINUTE/],
    [{ ADMIN_CHECKS_CONCURRENCY: '17' }, /ADMIN_CHECKS_CONCURRENCY/],
  ])('refuses %j', (override, message) => {
    expect(() => loadAdminConfig({ ...minimal, ...override })).toThrow(ConfigurationError);
    expect(() => loadAdminConfig({ ...minimal, ...override })).toThrow(message);
  });

  it('accepts a plain-http issuer on loopback (the local issuer)', () => {
    expect(
      loadAdminConfig({ ...minimal, AUTH_JWKS_URL: 'http://127.0.0.1:18090/.well-known/jwks.json' }).auth
        .jwksUrl,
    ).toContain('127.0.0.1');
  });
});
