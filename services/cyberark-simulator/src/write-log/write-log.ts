import { createHash } from 'node:crypto';
import { type LogPage, SequencedLog } from '../sequenced-log/sequenced-log';
import { type StoredAccount } from '../state/state.types';

export type WriteOperation = 'add' | 'patch' | 'password-update' | 'delete';

/**
 * One account write the simulator committed through the Privilege Cloud API, with the account as
 * it stood right after it. It holds a digest of the secret, never the secret itself.
 */
export interface WriteLogEntry {
  seq: number;
  /** Wall-clock time of the commit, ISO 8601 with milliseconds. */
  time: string;
  /** `performance.now()` of the commit: monotonic, for ordering and latency arithmetic. */
  monotonicMs: number;
  tenant: string;
  operation: WriteOperation;
  safeName: string;
  accountName: string;
  /** The CyberArk account id (`<safeNumber>_<n>`). */
  accountId: string;
  /** Every stored platform property after the write; for `delete`, as the account stood when deleted. */
  properties: Record<string, string>;
  /** Absent when the account has none. */
  address?: string;
  userName?: string;
  /** SHA-256 (hex) of the secret after the write; null when the account has no secret. */
  secretDigest: string | null;
}

export type WriteLogPage = LogPage<WriteLogEntry>;

// Large enough to hold every write of a long benchmark run; an entry is a few hundred bytes.
const DEFAULT_CAPACITY = 1_000_000;

/** The simulator's history of committed account writes, for tests that check what reached the vault and when. */
export class WriteLog {
  private readonly log: SequencedLog<WriteLogEntry>;

  constructor(capacity = DEFAULT_CAPACITY) {
    this.log = new SequencedLog(capacity);
  }

  /** Call once the write is committed. Every field but the property map is a string, so only that map is copied. */
  record(tenant: string, operation: WriteOperation, account: StoredAccount): void {
    const wallMs = Date.now();
    const monotonicMs = performance.now();
    this.log.append((seq) => {
      const entry: WriteLogEntry = {
        seq,
        time: new Date(wallMs).toISOString(),
        monotonicMs,
        tenant,
        operation,
        safeName: account.safeName,
        accountName: account.name,
        accountId: account.id,
        properties: { ...account.platformAccountProperties },
        secretDigest: digestOf(account.secret),
      };
      if (account.address !== '') entry.address = account.address;
      if (account.userName !== '') entry.userName = account.userName;
      return entry;
    });
  }

  read(since?: number, tenant?: string, limit?: number): WriteLogPage {
    return this.log.read(since, tenant, limit);
  }

  clear(): void {
    this.log.clear();
  }
}

function digestOf(secret: string): string | null {
  return secret === '' ? null : createHash('sha256').update(secret, 'utf8').digest('hex');
}
