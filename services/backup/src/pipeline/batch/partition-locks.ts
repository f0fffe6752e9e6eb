/**
 * Serialises the two writers of a partition's accounts inside one process: the batch processor and
 * the retry worker. Without it the worker could apply a parked older version while a batch applies
 * a newer one of the same account.
 */
export class PartitionLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  async withPartition<T>(topic: string, partition: number, work: () => Promise<T>): Promise<T> {
    const key = `${topic}\u0000${partition}`;
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
