import { AppError } from '@vault-backup/errors';

/** This instance may no longer own the partition: it must not write, and must not commit. */
export class OwnershipLostError extends AppError {
  readonly code = 'PARTITION_OWNERSHIP_LOST';
  readonly retriable = true;
}

/**
 * Protects against a zombie: an instance that stopped heartbeating (GC pause, network split from
 * the brokers) keeps running while the group hands its partitions to another member, which then
 * applies newer versions. The coordinator cannot reassign a partition before the session timeout
 * passes without a heartbeat, so a write is only started when it can complete (bounded by the
 * CyberArk call deadline) before that moment.
 */
export class WriteFence {
  constructor(
    private readonly lastHeartbeatAt: () => number | undefined,
    private readonly sessionTimeoutMs: number,
    private readonly writeDeadlineMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  assertMayWrite(): void {
    const heartbeat = this.lastHeartbeatAt();
    if (heartbeat === undefined) return; // not in a group yet (start-up); kafkajs joins before the first batch.
    const safeUntil = heartbeat + this.sessionTimeoutMs - this.writeDeadlineMs;
    if (this.now() > safeUntil) {
      throw new OwnershipLostError(`no group heartbeat for ${this.now() - heartbeat} ms; refusing to write`);
    }
  }
}
