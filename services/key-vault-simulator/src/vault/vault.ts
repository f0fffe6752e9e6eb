import { type AzureCloud, vaultHostName } from '../clouds/azure-clouds';
import { type Clock } from '../clock/clock';
import { FaultRules } from '../faults/fault-rules';
import { RoleAssignments } from '../rbac/role-assignments';
import { WeightedThrottle } from '../throttle/weighted-throttle';
import { KeyStore } from './key-store';
import { type VaultEntrance } from './vault-entrance';

/**
 * One vault: keys, roles, throttle and faults, reachable two ways. Through the front door it is
 * `https://<name>.<cloud suffix>` (what Azure gives, and what every key id then carries); through
 * its own loopback listener it is `https://127.0.0.1:<port>` (key ids carry the host, so a vault
 * cannot live under a path prefix of a shared listener).
 */
export class Vault {
  readonly keys = new KeyStore();
  readonly roles = new RoleAssignments();
  readonly throttle: WeightedThrottle;
  readonly faults: FaultRules;
  /** `<name>.<suffix>`, lower case. */
  readonly host: string;
  /** `https://<name>.<suffix>`, no port, no trailing slash: the vault URI Azure reports. */
  readonly vaultUrl: string;

  constructor(
    readonly name: string,
    /** The Entra tenant the vault trusts: its challenge names it and tokens must come from it. */
    readonly tenantId: string,
    readonly cloud: AzureCloud,
    /** `https://127.0.0.1:<port>`, no trailing slash: the vault's own loopback listener. */
    readonly directUrl: string,
    readonly port: number,
    clock: Clock,
  ) {
    this.host = vaultHostName(name, cloud);
    this.vaultUrl = `https://${this.host}`;
    this.throttle = new WeightedThrottle(clock);
    this.faults = new FaultRules(name.toLowerCase());
  }

  /** The base URL of the vault's key ids as seen by a request that came in through `entrance`. */
  urlVia(entrance: VaultEntrance): string {
    return entrance === 'front-door' ? this.vaultUrl : this.directUrl;
  }
}
