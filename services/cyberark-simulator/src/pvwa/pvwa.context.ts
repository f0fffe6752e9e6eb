import { type TenantState } from '../state/tenant-state';
import { type WriteLog } from '../write-log/write-log';
import { PvwaErrors } from './pvwa.errors';

/** What a Privilege Cloud handler gets once the bearer token has been checked. */
export interface PvwaContext {
  tenant: TenantState;
  /** The service account the token was issued to. */
  caller: string;
  query: URLSearchParams;
  rawBody: string;
  /** Where committed account writes are recorded. */
  writeLog: WriteLog;
}

export function jsonBody(context: PvwaContext): unknown {
  if (context.rawBody.length === 0) return undefined;
  try {
    return JSON.parse(context.rawBody) as unknown;
  } catch {
    throw PvwaErrors.invalidBody('not valid JSON');
  }
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
