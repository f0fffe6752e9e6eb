/** A configured fault and what it has done so far; `spec` is the simulator's own fault shape. */
export interface ActiveFault<S> {
  id: string;
  spec: S;
  /** Remaining hits when the spec gave a `count`. */
  remaining?: number;
  hits: number;
}

/**
 * The faults of one target, in the order they were added. Which of them fires is the simulator's
 * business (each models its real system's failures); this list only keeps them, counts their hits
 * and forgets those whose `count` is spent.
 */
export class FaultList<S extends { count?: number }> {
  private faults: ActiveFault<S>[] = [];

  /** @param newId the id of the next fault, e.g. `f1`, `f2`… */
  constructor(private readonly newId: () => string) {}

  add(spec: S): ActiveFault<S> {
    const fault: ActiveFault<S> = { id: this.newId(), spec, hits: 0 };
    if (spec.count !== undefined) fault.remaining = spec.count;
    this.faults.push(fault);
    return fault;
  }

  list(): readonly ActiveFault<S>[] {
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

  /** Counts one hit of the fault (and one use of its `count`); `dropSpent` then forgets it if spent. */
  record(fault: ActiveFault<S>): void {
    fault.hits++;
    if (fault.remaining !== undefined) fault.remaining--;
  }

  /** Forgets the faults whose `count` is used up. */
  dropSpent(): void {
    this.faults = this.faults.filter((fault) => fault.remaining === undefined || fault.remaining > 0);
  }
}

/** `1, 2, 3…` per call: fault ids stay unique within one list. */
export function sequence(): () => number {
  let next = 1;
  return () => next++;
}

/** The control API's JSON view of a fault. */
export function faultView<S>(fault: ActiveFault<S>) {
  return {
    id: fault.id,
    spec: fault.spec,
    hits: fault.hits,
    ...(fault.remaining !== undefined ? { remaining: fault.remaining } : {}),
  };
}
