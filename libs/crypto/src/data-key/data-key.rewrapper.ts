import { describeError, isRetriable } from '@vault-backup/errors';
import { type KeyWrapper, type WrappedKey } from '../key-wrap/key-wrapper.port';
import { SERVICE_SCOPE, dataKeyScope, workspaceOfScope } from './data-key-scope';
import {
  type DataKeyMaterial,
  type DataKeyWrappers,
  assertKeyCheck,
  deriveDataKey,
  unwrapServiceMaterial,
  unwrapWorkspaceShare,
  wipe,
  SHARE_BYTES,
} from './data-key.material';
import { type DataKeyRecord, type DataKeyStore, type DataKeyWrapping } from './data-key.store.port';

/** Which data keys a run looks at. */
export type RewrapTarget = 'all' | 'service' | { readonly workspaceId: string };

export interface RewrapFailure {
  readonly dataKeyId: string;
  /** Secret-free: the wrapper's or store's error description. */
  readonly reason: string;
  readonly retriable: boolean;
  /** The error itself (typed, as the wrapper threw it), e.g. to rethrow a vault's error to an admin. */
  readonly error: unknown;
}

export interface RewrapReport {
  /** Data keys whose wrapping was replaced by this run. */
  readonly rewrapped: number;
  /** Data keys that needed nothing (including those another run re-wrapped first). */
  readonly alreadyCurrent: number;
  /** Data keys left as they were because of an error; running again retries them. */
  readonly failed: number;
  /** The first failures (at most 100). */
  readonly failures: readonly RewrapFailure[];
}

export interface DataKeyRewrapperOptions {
  /** Data keys read per page. Default 200. */
  readonly pageSize?: number;
  /** Data keys re-wrapped at once (each may be a Key Vault call). Default 4. */
  readonly concurrency?: number;
}

/** What a data key must become: `rewrap` follows the current keys, `drop` makes it service-only. */
type Goal = 'rewrap' | 'drop';
type Outcome = 'rewrapped' | 'current';

/** The new wrapping of a data key (absent: nothing to change) and why it cannot fully converge (absent: it can). */
interface Plan {
  readonly wrapping?: DataKeyWrapping;
  readonly blocked?: Error;
}

interface WorkspacePart {
  readonly share: WrappedKey | null;
  readonly changed: boolean;
  readonly blocked?: Error;
}

const MAX_REPORTED_FAILURES = 100;
/** A revision conflict means another run moved the row; it is read again this many times at most. */
const MAX_ATTEMPTS = 3;

/**
 * Moves data keys to the current wrapping keys while the service runs, without touching any token
 * (a data key's material, hence the key, never changes — only how it is wrapped):
 *
 * - `rewrap`: a service share under an older service kid is unwrapped with that kid and wrapped with
 *   the current service key; a workspace share under an older version of the workspace's key, likewise
 *   with the workspace's current wrapper. Run it after rotating the service key (new current ring key,
 *   or a new Key Vault key version) or a workspace key; once it reports no failures the old version
 *   is no longer needed by any data key. A workspace share whose workspace has no own key any more is
 *   not touched here (it is reported failed): removing a workspace key is `dropWorkspaceShares`.
 * - `dropWorkspaceShares`: every data key of the workspace becomes service-only. Its workspace share
 *   is NOT discarded — the data keys must stay the same, since tokens were encrypted under them — it is
 *   appended to the service share and the 64 bytes are wrapped by the service key instead
 *   (`service_wrapped = wrap_service(service share || workspace share)`, workspace columns null). It
 *   needs the workspace key to still unwrap, so it must run before access to it is given up.
 *
 * Each row is updated only at the revision it was read (a concurrent run or instance makes the update
 * miss, and the row is read again), so runs are safe to overlap, to interrupt and to repeat: a second
 * run over re-wrapped keys changes nothing. Errors are per data key and reported, never thrown, except
 * an error of the store while paging (the run stops; run it again).
 */
export class DataKeyRewrapper {
  private readonly pageSize: number;
  private readonly concurrency: number;

  constructor(
    private readonly store: DataKeyStore,
    private readonly wrappers: DataKeyWrappers,
    options: DataKeyRewrapperOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 200;
    this.concurrency = options.concurrency ?? 4;
  }

  rewrap(target: RewrapTarget = 'all'): Promise<RewrapReport> {
    return this.run(scopeOf(target), 'rewrap');
  }

  /** Makes every data key of the workspace service-only while its key still unwraps (see the class comment). */
  dropWorkspaceShares(workspaceId: string): Promise<RewrapReport> {
    return this.run(dataKeyScope(workspaceId), 'drop');
  }

  private async run(scope: string | undefined, goal: Goal): Promise<RewrapReport> {
    const tally = new Tally();
    // One answer per workspace and run: a workspace's current key does not change under a run's feet.
    const workspaceWrappers = new Map<string, Promise<KeyWrapper | undefined>>();
    let afterId: string | undefined;
    for (;;) {
      const page = await this.store.page({ scope, afterId, limit: this.pageSize });
      for (let index = 0; index < page.length; index += this.concurrency) {
        await Promise.all(
          page
            .slice(index, index + this.concurrency)
            .map((row) => this.settle(row, goal, workspaceWrappers, tally)),
        );
      }
      if (page.length < this.pageSize) return tally.report();
      afterId = page[page.length - 1]?.id;
    }
  }

  private async settle(
    row: DataKeyRecord,
    goal: Goal,
    workspaceWrappers: Map<string, Promise<KeyWrapper | undefined>>,
    tally: Tally,
  ): Promise<void> {
    try {
      tally.count(await this.converge(row, goal, workspaceWrappers));
    } catch (error) {
      tally.fail(row.id, error);
    }
  }

  private async converge(
    first: DataKeyRecord,
    goal: Goal,
    workspaceWrappers: Map<string, Promise<KeyWrapper | undefined>>,
  ): Promise<Outcome> {
    let row: DataKeyRecord | undefined = first;
    for (let attempt = 1; row; attempt += 1) {
      const plan = await this.plan(row, goal, workspaceWrappers);
      if (plan.wrapping !== undefined && !(await this.store.rewrap(row.id, row.revision, plan.wrapping))) {
        if (attempt === MAX_ATTEMPTS) throw new Error('the data key kept changing under concurrent re-wraps');
        row = await this.store.find(row.id);
        continue;
      }
      // What could move did — the service share above all, so retiring an old service key is never
      // held up by a workspace — and what could not is reported.
      if (plan.blocked !== undefined) throw plan.blocked;
      return plan.wrapping === undefined ? 'current' : 'rewrapped';
    }
    throw new Error('the data key disappeared');
  }

  private async plan(
    row: DataKeyRecord,
    goal: Goal,
    workspaceWrappers: Map<string, Promise<KeyWrapper | undefined>>,
  ): Promise<Plan> {
    if (goal === 'drop' && row.workspace !== null) return { wrapping: await this.folded(row) };
    const serviceStale = row.service.kid !== this.wrappers.service.kid;
    const [service, workspace] = await Promise.all([
      serviceStale ? this.rewrapped(row, unwrapServiceMaterial, this.wrappers.service) : row.service,
      goal === 'rewrap' ? this.workspacePart(row, workspaceWrappers) : unchanged(row),
    ]);
    return {
      ...(serviceStale || workspace.changed ? { wrapping: { service, workspace: workspace.share } } : {}),
      ...(workspace.blocked === undefined ? {} : { blocked: workspace.blocked }),
    };
  }

  /** The workspace share under the workspace's current key, or as it was with the reason it could not move. */
  private async workspacePart(
    row: DataKeyRecord,
    workspaceWrappers: Map<string, Promise<KeyWrapper | undefined>>,
  ): Promise<WorkspacePart> {
    const workspaceId = workspaceOfScope(row.scope);
    if (row.workspace === null || workspaceId === undefined) return unchanged(row);
    try {
      const wrapper = await memo(workspaceWrappers, workspaceId, () =>
        this.wrappers.workspaceKeys.wrapperFor(workspaceId),
      );
      if (wrapper === undefined) {
        const blocked = new Error(
          `workspace ${workspaceId} has no own key now: its share stays under the old key until its shares are dropped`,
        );
        return { ...unchanged(row), blocked };
      }
      if (row.workspace.kid === wrapper.kid) return unchanged(row);
      return { share: await this.rewrapped(row, unwrapWorkspaceShare, wrapper), changed: true };
    } catch (error) {
      // Wrapper errors are Errors (typed AppErrors) and pass as they are; anything else is made one.
      return { ...unchanged(row), blocked: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  private async rewrapped(
    row: DataKeyRecord,
    unwrap: (row: DataKeyRecord, wrappers: DataKeyWrappers) => Promise<Uint8Array>,
    wrapper: KeyWrapper,
  ): Promise<WrappedKey> {
    const material = await unwrap(row, this.wrappers);
    try {
      // A service-only data key has all its material here: make sure it is the right one before it is re-wrapped.
      if (row.workspace === null) verify(row, { service: material, workspace: null });
      return await wrapper.wrap(material);
    } finally {
      wipe(material);
    }
  }

  /** `wrap_service(service share || workspace share)`: the same data key, no longer needing the workspace key. */
  private async folded(row: DataKeyRecord): Promise<DataKeyWrapping> {
    const [service, workspace] = await Promise.all([
      unwrapServiceMaterial(row, this.wrappers),
      unwrapWorkspaceShare(row, this.wrappers),
    ]);
    const combined = new Uint8Array(2 * SHARE_BYTES);
    try {
      verify(row, { service, workspace });
      combined.set(service, 0);
      combined.set(workspace, SHARE_BYTES);
      return { service: await this.wrappers.service.wrap(combined), workspace: null };
    } finally {
      wipe(service, workspace, combined);
    }
  }
}

function unchanged(row: DataKeyRecord): WorkspacePart {
  return { share: row.workspace, changed: false };
}

function verify(row: DataKeyRecord, material: DataKeyMaterial): void {
  const dataKey = deriveDataKey(row.id, row.scope, material);
  try {
    assertKeyCheck(dataKey, row.keyCheck);
  } finally {
    wipe(dataKey);
  }
}

function scopeOf(target: RewrapTarget): string | undefined {
  if (target === 'all') return undefined;
  if (target === 'service') return SERVICE_SCOPE;
  return dataKeyScope(target.workspaceId);
}

function memo<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let value = cache.get(key);
  if (!value) {
    value = load();
    cache.set(key, value);
  }
  return value;
}

class Tally {
  private rewrapped = 0;
  private alreadyCurrent = 0;
  private failed = 0;
  private readonly failures: RewrapFailure[] = [];

  count(outcome: Outcome): void {
    if (outcome === 'rewrapped') this.rewrapped += 1;
    else this.alreadyCurrent += 1;
  }

  fail(dataKeyId: string, error: unknown): void {
    this.failed += 1;
    if (this.failures.length < MAX_REPORTED_FAILURES)
      this.failures.push({ dataKeyId, reason: describeError(error), retriable: isRetriable(error), error });
  }

  report(): RewrapReport {
    return {
      rewrapped: this.rewrapped,
      alreadyCurrent: this.alreadyCurrent,
      failed: this.failed,
      failures: [...this.failures],
    };
  }
}
