import { randomBytes } from 'node:crypto';

/** Names that isolate a test's data (topics, groups, databases, workspaces) from every other run. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
