import { AZURE_CLOUDS } from '../clouds/azure-clouds';
import { AdjustableClock } from '../clock/clock';
import { Vault } from '../vault/vault';
import { acceptsServerName, routeFrontDoorRequest, type VaultLookup } from './front-door-routing';

describe('front door routing', () => {
  const clock = new AdjustableClock();
  const alpha = new Vault('alpha-kv', 't', AZURE_CLOUDS.public, 'https://127.0.0.1:1', 1, clock);
  const beta = new Vault('beta-kv', 't', AZURE_CLOUDS.public, 'https://127.0.0.1:2', 2, clock);
  const byHost: Record<string, Vault> = { [alpha.host]: alpha, [beta.host]: beta };
  const lookup: VaultLookup = (host) => byHost[host.replace(/:\d+$/, '').toLowerCase()];

  it('serves the vault the Host names, with or without a matching TLS server name', () => {
    expect(routeFrontDoorRequest('alpha-kv.vault.azure.net', 'alpha-kv.vault.azure.net', lookup)).toEqual({
      kind: 'vault',
      vault: alpha,
    });
    expect(routeFrontDoorRequest('ALPHA-KV.vault.azure.net:443', undefined, lookup)).toEqual({
      kind: 'vault',
      vault: alpha,
    });
  });

  it('refuses a Host other than the vault the connection was opened for, known or not', () => {
    expect(routeFrontDoorRequest('beta-kv.vault.azure.net', 'alpha-kv.vault.azure.net', lookup)).toEqual({
      kind: 'misdirected',
      host: 'beta-kv.vault.azure.net',
      servername: 'alpha-kv.vault.azure.net',
    });
    expect(routeFrontDoorRequest('127.0.0.1:4443', 'alpha-kv.vault.azure.net', lookup)).toMatchObject({
      kind: 'misdirected',
      host: '127.0.0.1:4443',
    });
  });

  it('has nothing for a Host that names no existing vault, nor for a connection whose vault is gone', () => {
    expect(routeFrontDoorRequest('gone-kv.vault.azure.net', undefined, lookup)).toEqual({
      kind: 'unknown-host',
      host: 'gone-kv.vault.azure.net',
    });
    expect(routeFrontDoorRequest('gone-kv.vault.azure.net', 'gone-kv.vault.azure.net', lookup)).toMatchObject(
      {
        kind: 'unknown-host',
      },
    );
    expect(routeFrontDoorRequest(undefined, undefined, lookup)).toEqual({ kind: 'unknown-host', host: '' });
  });

  it('lets a TLS handshake go on only for an existing vault’s host name', () => {
    expect(acceptsServerName('alpha-kv.vault.azure.net', lookup)).toBe(true);
    expect(acceptsServerName('gone-kv.vault.azure.net', lookup)).toBe(false);
    expect(acceptsServerName('localhost', lookup)).toBe(false);
  });
});
