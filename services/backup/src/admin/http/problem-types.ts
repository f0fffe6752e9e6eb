import { STATUS_CODES } from 'node:http';

/**
 * Base of every problem `type` URI (RFC 9457): `urn:vault-backup:problem:<slug>`, the slug being the
 * stable `code` in kebab case. A URN, not a URL: it names the problem and is never dereferenced.
 */
export const PROBLEM_TYPE_BASE = 'urn:vault-backup:problem:';

export interface ProblemType {
  readonly status: number;
  readonly title: string;
}

/**
 * Every problem the admin API answers with, by its stable code: the HTTP status and the title, both
 * fixed per type. A code missing here still gets a type (from the code) and the status's reason phrase.
 */
export const PROBLEM_TYPES: Readonly<Record<string, ProblemType>> = {
  VALIDATION_FAILED: { status: 400, title: 'Invalid request' },
  MALFORMED_JSON: { status: 400, title: 'Malformed JSON body' },
  AUTH_TOKEN_MISSING: { status: 401, title: 'Authentication required' },
  AUTH_TOKEN_INVALID: { status: 401, title: 'Invalid access token' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  VAULT_BACKUP_NOT_FOUND: { status: 404, title: 'No vault backup' },
  KEY_INTEGRATION_NOT_FOUND: { status: 404, title: 'No key integration' },
  FAILURE_NOT_FOUND: { status: 404, title: 'No such failure' },
  REPLAY_JOB_NOT_FOUND: { status: 404, title: 'No such replay job' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  CONNECTION_REQUIRED: { status: 409, title: 'Connection required' },
  CONNECTION_UNREADABLE: { status: 409, title: 'Stored connection unreadable' },
  TARGETS_REQUIRED: { status: 409, title: 'Targets required' },
  VALIDATION_REQUIRED: { status: 409, title: 'Validation required' },
  NOT_ENABLED: { status: 409, title: 'Not enabled' },
  BACKUP_NOT_ENABLED: { status: 409, title: 'Backup not enabled' },
  RECORD_UNREADABLE: { status: 409, title: 'Record unreadable' },
  CONCURRENT_CHANGE: { status: 409, title: 'Concurrent change' },
  KEY_ACCESS_LOST: { status: 409, title: 'Key access lost' },
  REPLAY_JOB_ACTIVE: { status: 409, title: 'A replay job is already running' },
  REPLAY_JOB_NOT_RUNNING: { status: 409, title: 'Replay job not running' },
  REPLAY_JOB_NOT_CANCELLED: { status: 409, title: 'Replay job not cancelled' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Request body too large' },
  REPLAY_RECORD_TOO_LARGE: { status: 422, title: 'Record too large to replay' },
  EMPTY_SELECTION: { status: 422, title: 'Nothing to replay' },
  SELECTION_TOO_LARGE: { status: 422, title: 'Selection too large' },
  UNKNOWN_FAILURES: { status: 422, title: 'Unknown failures' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  INTERNAL_ERROR: { status: 500, title: 'Internal error' },
  CONFIGURATION_INVALID: { status: 500, title: 'Service misconfigured' },
  AUTH_UNAVAILABLE: { status: 503, title: 'Authentication unavailable' },
  DEPENDENCY_UNAVAILABLE: { status: 503, title: 'Dependency unavailable' },
};

/** `VAULT_BACKUP_NOT_FOUND` → `vault-backup-not-found`. */
export function problemSlug(code: string): string {
  return code.toLowerCase().replace(/_/g, '-');
}

export function problemTypeUri(slugOrCode: string): string {
  return `${PROBLEM_TYPE_BASE}${problemSlug(slugOrCode)}`;
}

/** The catalogued title, else the status's reason phrase: stable per type either way. */
export function problemTitle(code: string, status: number): string {
  return PROBLEM_TYPES[code]?.title ?? STATUS_CODES[status] ?? 'Error';
}
