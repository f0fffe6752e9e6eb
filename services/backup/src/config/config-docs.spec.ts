import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_INFO_ENV } from '@vault-backup/observability';
import { adminEnvSchema } from '../admin/admin.config';
import { backupEnvSchema } from './backup-config.schema';

describe('configuration documentation', () => {
  it('lists every environment variable the service reads in the README table', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
    const names = [
      ...Object.keys(backupEnvSchema.shape),
      ...Object.keys(adminEnvSchema.shape),
      // read by the metrics registry (vault_backup_build_info), not by the validated configuration
      ...Object.values(BUILD_INFO_ENV),
    ];
    const undocumented = names.filter((name) => !readme.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
  });
});
