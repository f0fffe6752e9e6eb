import { join } from 'node:path';

/** The committed document: services/backup/openapi.json. */
export const OPENAPI_FILE = join(__dirname, '..', '..', '..', 'openapi.json');
