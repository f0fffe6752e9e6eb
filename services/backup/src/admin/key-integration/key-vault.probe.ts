import { type KeyValidationReport, type KeyVaultConnectionFactory } from '@vault-backup/azure-key-vault';
import { type KeyCheckReport, type KeyIntegrationInput, type KeyProbeResult } from './key-integration';
import { type KeyVaultProbePort } from './key-vault-probe.port';

/** The admin's view of the Key Vault adapter's validation: a report, and the key when it all passed. */
export class KeyVaultProbe implements KeyVaultProbePort {
  constructor(private readonly connections: KeyVaultConnectionFactory) {}

  normalizeVaultUrl(raw: string): string {
    return this.connections.normalizeVaultUrl(raw);
  }

  async check(input: KeyIntegrationInput): Promise<KeyProbeResult> {
    const validation = await this.connections.validate({
      vaultUrl: input.vaultUrl,
      keyName: input.keyName,
      credential: {
        kind: 'client-secret',
        tenantId: input.directoryTenantId,
        clientId: input.clientId,
        clientSecret: input.clientSecret,
      },
    });
    const report = reportOf(validation);
    const { key } = validation;
    if (validation.outcome !== 'passed' || key?.publicJwk === undefined) return { report };
    return { report, key: { keyId: key.kid, publicJwk: key.publicJwk } };
  }
}

function reportOf(validation: KeyValidationReport): KeyCheckReport {
  return { outcome: validation.outcome, checkedAt: validation.checkedAt, checks: validation.checks };
}
