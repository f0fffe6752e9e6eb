import { randomBytes } from 'node:crypto';
import {
  DataDecryptionError,
  EnvelopeDataCipher,
  InMemoryDataKeyStore,
  LocalKeyWrapper,
  NoWorkspaceKeys,
  parseKeyRing,
} from '@vault-backup/crypto';
import { accountRecord } from '../test/pipeline.fixtures';
import { CipherRecordSealer } from './record-sealer.adapter';

describe('CipherRecordSealer', () => {
  const store = new InMemoryDataKeyStore();
  const sealer = new CipherRecordSealer(
    new EnvelopeDataCipher(store, {
      service: new LocalKeyWrapper(parseKeyRing(`k1:${randomBytes(32).toString('base64')}`)),
      workspaceKeys: new NoWorkspaceKeys(),
    }),
  );
  const record = accountRecord({ workspaceId: 'ws-1', version: 3 });

  it('opens what it sealed, with the same purpose and workspace', async () => {
    const sealed = await sealer.seal(record, 'pending-backup', 'ws-1');

    expect(await sealer.open(sealed, 'pending-backup', 'ws-1')).toEqual(record);
    expect([...store.rows.values()].map((row) => row.scope)).toContain('workspace:ws-1');
  });

  it.each<['pending-backup' | 'backup-failure', string | undefined]>([
    ['backup-failure', 'ws-1'],
    ['pending-backup', 'ws-2'],
    ['pending-backup', undefined],
  ])('refuses to open it as %s of %s', async (purpose, workspaceId) => {
    const sealed = await sealer.seal(record, 'pending-backup', 'ws-1');

    await expect(sealer.open(sealed, purpose, workspaceId)).rejects.toThrow(DataDecryptionError);
  });

  it('seals a record attributed to no workspace under the service scope', async () => {
    const sealed = await sealer.seal(record, 'backup-failure', undefined);

    expect(await sealer.open(sealed, 'backup-failure', undefined)).toEqual(record);
    await expect(sealer.open(sealed, 'backup-failure', 'ws-1')).rejects.toThrow(/another scope/);
  });
});
