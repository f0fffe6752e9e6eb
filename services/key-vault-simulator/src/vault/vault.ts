import { type Clock } from '../clock/clock';
import { FaultRules } from '../faults/fault-rules';
import { RoleAssignments } from '../rbac/role-assignments';
import { WeightedThrottle } from '../throttle/weighted-throttle';
import { KeyStore } from './key-store';

/** One vault: its own HTTPS listener (key ids carry the host, so no path prefix is possible), keys, roles, throttle and faults. */
export class Vault {
  readonly keys = new KeyStore();
  readonly roles = new RoleAssignments();
  readonly throttle: WeightedThrottle;
  readonly faults: FaultRules;

  constructor(
    readonly name: string,
    /** The Entra tenant the vault trusts: its challenge names it and tokens must come from it. */
    readonly tenantId: string,
    /** `https://127.0.0.1:<port>`, no trailing slash. */
    readonly url: string,
    readonly port: number,
    clock: Clock,
  ) {
    this.throttle = new WeightedThrottle(clock);
    this.faults = new FaultRules(name.toLowerCase());
  }
}
