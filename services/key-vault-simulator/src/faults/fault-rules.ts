import { type ActiveFault, type FaultSpec } from './fault.types';

/**
 * The faults of one target (Entra ID or one vault). Rules are checked in the order they were
 * added and the first one matching the operation fires; a counted rule disappears once spent.
 */
export class FaultRules {
  private faults: ActiveFault[] = [];

  /** @param idPrefix keeps fault ids unique across targets, so a log line names exactly one fault. */
  constructor(
    private readonly idPrefix: string,
    private readonly nextId: () => number = counter(),
  ) {}

  add(spec: FaultSpec): ActiveFault {
    const fault: ActiveFault = { id: `${this.idPrefix}-f${this.nextId()}`, spec, hits: 0 };
    if (spec.count !== undefined) fault.remaining = spec.count;
    this.faults.push(fault);
    return fault;
  }

  list(): readonly ActiveFault[] {
    return this.faults;
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((fault) => fault.id !== id);
    return this.faults.length !== before;
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault this call hits, if any; counts the hit and forgets a spent fault. */
  take(operation: string): ActiveFault | undefined {
    const fault = this.faults.find((candidate) => matches(candidate.spec, operation));
    if (!fault) return undefined;
    fault.hits++;
    if (fault.remaining !== undefined) {
      fault.remaining--;
      if (fault.remaining <= 0) this.remove(fault.id);
    }
    return fault;
  }
}

function matches(spec: FaultSpec, operation: string): boolean {
  return spec.operation === 'all' || spec.operation === operation;
}

function counter(): () => number {
  let next = 1;
  return () => next++;
}
