import { type CyberArkClientFactory } from '@vault-backup/cyberark';
import {
  type CircuitState,
  type CyberArkAccountsPort,
  type CyberArkGatewayPort,
} from '../ports/cyberark-gateway.port';
import { type ActiveWorkspace } from '../ports/workspace-targets.port';

/** One CyberArk client per tenant (token cache and circuit breaker included), from the lib's factory. */
export class CyberArkGateway implements CyberArkGatewayPort {
  constructor(private readonly factory: CyberArkClientFactory) {}

  accountsFor(workspace: ActiveWorkspace): CyberArkAccountsPort {
    return this.factory.forTenant(workspace.connection);
  }

  circuitState(workspace: ActiveWorkspace): CircuitState {
    if (!this.factory.has(workspace.connection)) return 'closed';
    const state = this.factory.forTenant(workspace.connection).getBreakerState();
    return state === 'halfOpen' ? 'half-open' : state;
  }
}
