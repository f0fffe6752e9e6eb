/** A counting semaphore: at most `capacity` holders; waiters are served in arrival order. */
export class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly capacity: number) {}

  get inUse(): number {
    return this.active;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Waits for a slot; an abort while waiting gives up the place in the queue and rejects with the signal's reason. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.active < this.capacity) {
      this.active += 1;
      return this.releaser();
    }
    signal?.throwIfAborted();
    await new Promise<void>((resolve, reject) => {
      const waiter = (): void => {
        signal?.removeEventListener('abort', abandon);
        resolve();
      };
      const abandon = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal?.reason instanceof Error ? signal.reason : new Error('left the queue'));
      };
      signal?.addEventListener('abort', abandon, { once: true });
      this.waiters.push(waiter);
    });
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      // Hand the slot straight to the next waiter so a burst cannot overtake it.
      if (next) next();
      else this.active -= 1;
    };
  }
}

/**
 * Bounds CyberArk calls in flight per tenant (one customer cannot take every slot) and overall
 * (the process cannot open unbounded sockets). The tenant slot is taken first, so a slow tenant
 * queues behind its own cap without holding global slots.
 */
export class TenantConcurrencyLimiter {
  private readonly tenants = new Map<string, Semaphore>();
  private readonly global: Semaphore;

  constructor(
    private readonly perTenant: number,
    globalCapacity: number,
  ) {
    this.global = new Semaphore(globalCapacity);
  }

  /** `signal` lets a caller leave the tenant's queue (e.g. the tenant turned out to be stalled). */
  async run<T>(tenantKey: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const releaseTenant = await this.tenantSemaphore(tenantKey)
      .acquire(signal)
      .catch((error: unknown) => {
        this.forgetIdle(tenantKey);
        throw error;
      });
    try {
      const releaseGlobal = await this.global.acquire();
      try {
        return await work();
      } finally {
        releaseGlobal();
      }
    } finally {
      releaseTenant();
      this.forgetIdle(tenantKey);
    }
  }

  inFlight(): number {
    return this.global.inUse;
  }

  private tenantSemaphore(tenantKey: string): Semaphore {
    let semaphore = this.tenants.get(tenantKey);
    if (!semaphore) {
      semaphore = new Semaphore(this.perTenant);
      this.tenants.set(tenantKey, semaphore);
    }
    return semaphore;
  }

  private forgetIdle(tenantKey: string): void {
    const semaphore = this.tenants.get(tenantKey);
    if (semaphore && semaphore.inUse === 0 && semaphore.waiting === 0) this.tenants.delete(tenantKey);
  }
}
