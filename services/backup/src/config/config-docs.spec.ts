import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminEnvSchema } from '../admin/admin.config';
import { backupEnvSchema } from './backup-config.schema';

describe('configuration documentation', () => {
  it('lists every environment variable the service reads in the README table', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
    const names = [...Object.keys(backupEnvSchema.shape), ...Object.keys(adminEnvSchema.shape)];
    const undocumented = names.filter((name) => !readme.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
  });
});
