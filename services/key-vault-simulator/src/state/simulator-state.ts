import { AdjustableClock } from '../clock/clock';
import { CallCounters } from '../counters/call-counters';
import { AccessTokenService } from '../entra/access-token';
import { EntraDirectory } from '../entra/entra-directory';
import { FaultRules } from '../faults/fault-rules';
import { HeldRequests } from '../http/held-requests';
import { RequestLog } from '../request-log/request-log';
import { VaultRegistry, type VaultServerFactory } from '../vault/vault-registry';
import { type SimulatorSwitches, defaultSwitches } from './simulator-switches';

/**
 * Everything the listeners and the control API share. Objects are mutated in place (switches
 * included), so every listener sees a control change at once.
 */
export class SimulatorState {
  readonly clock = new AdjustableClock();
  readonly directory = new EntraDirectory();
  readonly tokens = new AccessTokenService();
  readonly switches: SimulatorSwitches = defaultSwitches();
  readonly entraFaults = new FaultRules('entra');
  readonly counters = new CallCounters();
  readonly requestLog = new RequestLog(() => this.clock.now());
  readonly held = new HeldRequests();
  readonly vaults: VaultRegistry;

  constructor(
    /** `https://127.0.0.1:<entra port>`: MSAL's authority host and the issuer host of every token. */
    readonly authorityHost: string,
    openVaultServer: VaultServerFactory,
    advertisedHost: string,
  ) {
    this.vaults = new VaultRegistry(openVaultServer, advertisedHost, this.clock);
  }

  updateSwitches(change: Partial<SimulatorSwitches>): SimulatorSwitches {
    Object.assign(this.switches, change);
    return this.switches;
  }

  /** Forgets every tenant, app, vault (closing its listener), fault, counter and log entry. */
  async reset(): Promise<void> {
    await this.vaults.deleteAll();
    this.directory.clear();
    this.entraFaults.clear();
    this.counters.clear();
    this.requestLog.clear();
    this.clock.reset();
    Object.assign(this.switches, defaultSwitches());
  }
}
