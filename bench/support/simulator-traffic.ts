import { type RequestLogEntry, type SimulatorProcess } from '@vault-backup/testing';

/** What the CyberArk simulator(s) saw during a run, from their request logs (the ground truth of calls). */
export interface CyberArkTraffic {
  readonly requests: number;
  /** POST /Accounts (new account). */
  readonly creates: number;
  /** PATCH /Accounts/{id}. */
  readonly patches: number;
  /** POST /Accounts/{id}/Password/Update. */
  readonly secretUpdates: number;
  /** Any other non-GET account call. */
  readonly otherWrites: number;
  readonly reads: number;
  /** Answers other than 2xx, by status. */
  readonly failures: Readonly<Record<string, number>>;
  /** Token requests per tenant (every tenant that was configured, zero included). */
  readonly tokenRequestsByTenant: Readonly<Record<string, number>>;
  /** True when a request log overflowed (it keeps 100,000 entries) and counts are incomplete. */
  readonly truncated: boolean;
}

export function writesOf(traffic: CyberArkTraffic): number {
  return traffic.creates + traffic.patches + traffic.secretUpdates + traffic.otherWrites;
}

/** Reads every simulator's request log from the beginning (each scenario starts fresh simulators). */
export async function readTraffic(
  simulators: readonly SimulatorProcess[],
  tenants: readonly string[],
): Promise<CyberArkTraffic> {
  const tokens: Record<string, number> = Object.fromEntries(
    tenants.map((tenant) => [tenant.toLowerCase(), 0]),
  );
  const failures: Record<string, number> = {};
  const counts = { requests: 0, creates: 0, patches: 0, secretUpdates: 0, otherWrites: 0, reads: 0 };
  let truncated = false;
  for (const simulator of simulators) {
    let cursor = 0;
    for (;;) {
      const page = await simulator.control.readRequests({ since: cursor, limit: 10_000 });
      if (page.entries.length === 0) break;
      if (cursor === 0 && (page.entries[0]?.seq ?? 1) > 1) truncated = true;
      for (const entry of page.entries) count(entry, counts, tokens, failures);
      cursor = page.cursor;
    }
  }
  return { ...counts, failures, tokenRequestsByTenant: tokens, truncated };
}

function count(
  entry: RequestLogEntry,
  counts: {
    requests: number;
    creates: number;
    patches: number;
    secretUpdates: number;
    otherWrites: number;
    reads: number;
  },
  tokens: Record<string, number>,
  failures: Record<string, number>,
): void {
  if (entry.family === 'control') return;
  counts.requests += 1;
  if (entry.status < 200 || entry.status >= 300) {
    const key = String(entry.status);
    failures[key] = (failures[key] ?? 0) + 1;
  }
  if (entry.family === 'token') {
    const tenant = (entry.tenant ?? 'unknown').toLowerCase();
    tokens[tenant] = (tokens[tenant] ?? 0) + 1;
    return;
  }
  if (entry.family !== 'accounts') return;
  const path = entry.path.toLowerCase();
  if (entry.method === 'GET') counts.reads += 1;
  else if (entry.method === 'POST' && path.endsWith('/accounts')) counts.creates += 1;
  else if (entry.method === 'PATCH') counts.patches += 1;
  else if (entry.method === 'POST' && path.endsWith('/password/update')) counts.secretUpdates += 1;
  else counts.otherWrites += 1;
}
