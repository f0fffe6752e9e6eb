import { type CyberArkClientFactory } from '@vault-backup/cyberark';
import { type CyberArkAccountsPort, type CyberArkGatewayPort } from '../ports/cyberark-gateway.port';
import { type ActiveWorkspace } from '../ports/workspace-targets.port';

/** One CyberArk client per tenant (token cache and circuit breaker included), from the lib's factory. */
export class CyberArkGateway implements CyberArkGatewayPort {
  constructor(private readonly factory: CyberArkClientFactory) {}

  accountsFor(workspace: ActiveWorkspace): CyberArkAccountsPort {
    return this.factory.forTenant(workspace.connection);
  }

  isCircuitOpen(workspace: ActiveWorkspace): boolean {
    if (!this.factory.has(workspace.connection)) return false;
    return this.factory.forTenant(workspace.connection).getBreakerState() === 'open';
  }
}
