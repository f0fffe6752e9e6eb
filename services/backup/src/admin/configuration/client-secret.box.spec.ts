import { randomBytes } from 'node:crypto';
import { Secret } from '@vault-backup/config';
import {
  EnvelopeDataCipher,
  InMemoryDataKeyStore,
  LocalKeyWrapper,
  NoWorkspaceKeys,
  parseKeyRing,
} from '@vault-backup/crypto';
import { ClientSecretBox } from './client-secret.box';

describe('ClientSecretBox', () => {
  const box = new ClientSecretBox(
    new EnvelopeDataCipher(new InMemoryDataKeyStore(), {
      service: new LocalKeyWrapper(parseKeyRing(`k1:${randomBytes(32).toString('base64')}`)),
      workspaceKeys: new NoWorkspaceKeys(),
    }),
  );

  it("seals under the configuration's workspace and opens only as that workspace's", async () => {
    const sealed = await box.seal('ws-1', new Secret('s3cret-value'));

    expect(sealed).not.toContain('s3cret-value');
    expect((await box.open('ws-1', sealed)).reveal()).toBe('s3cret-value');
    await expect(box.open('ws-2', sealed)).rejects.toThrow(/another scope/);
  });

  it('tells whether a ciphertext holds a secret; one of another workspace counts as different', async () => {
    const sealed = await box.seal('ws-1', new Secret('s3cret-value'));

    expect(await box.holds('ws-1', sealed, new Secret('s3cret-value'))).toBe(true);
    expect(await box.holds('ws-1', sealed, new Secret('other'))).toBe(false);
    expect(await box.holds('ws-2', sealed, new Secret('s3cret-value'))).toBe(false);
  });
});
