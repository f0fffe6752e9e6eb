import { FaultList, sequence } from '@vault-backup/simulator-kit';
import { type ActiveFault, type FaultSpec } from './fault.types';

/**
 * The faults of one target (Entra ID or one vault). Rules are checked in the order they were
 * added and the first one matching the operation fires; a counted rule disappears once spent.
 */
export class FaultRules {
  private readonly faults: FaultList<FaultSpec>;

  /** @param idPrefix keeps fault ids unique across targets, so a log line names exactly one fault. */
  constructor(idPrefix: string, nextId: () => number = sequence()) {
    this.faults = new FaultList(() => `${idPrefix}-f${nextId()}`);
  }

  add(spec: FaultSpec): ActiveFault {
    return this.faults.add(spec);
  }

  list(): readonly ActiveFault[] {
    return this.faults.list();
  }

  remove(id: string): boolean {
    return this.faults.remove(id);
  }

  clear(): void {
    this.faults.clear();
  }

  /** The fault this call hits, if any; counts the hit and forgets a spent fault. */
  take(operation: string): ActiveFault | undefined {
    const fault = this.faults.list().find((candidate) => matches(candidate.spec, operation));
    if (!fault) return undefined;
    this.faults.record(fault);
    this.faults.dropSpent();
    return fault;
  }
}

function matches(spec: FaultSpec, operation: string): boolean {
  return spec.operation === 'all' || spec.operation === operation;
}
