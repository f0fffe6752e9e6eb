import { type AdminApiClient, type Query } from './admin-api.client';
import { type Page } from './admin-api.types';

/** Safety bound: `--all` on a runaway cursor must end. */
const MAX_PAGES = 1_000;

/**
 * The first page, or with `all` every page following `nextCursor`; returns the first page's other
 * members (counts) with every item and the last cursor (null once all were read).
 */
export async function fetchPages<P extends Page<unknown>>(
  api: AdminApiClient,
  path: string,
  query: Query,
  all: boolean,
): Promise<P> {
  const first = await api.get<P>(path, query);
  const items = [...first.items];
  let cursor = first.nextCursor;
  for (let pages = 1; all && cursor !== null && pages < MAX_PAGES; pages += 1) {
    const next: P = await api.get<P>(path, { ...query, cursor });
    items.push(...next.items);
    cursor = next.nextCursor;
  }
  return { ...first, items, nextCursor: cursor };
}
