import { randomBytes } from 'node:crypto';
import { Secret } from '@vault-backup/config';
import { FakeWorkspaceKeys } from '../../test/workspace-keys.fixture';
import { EnvelopeDataCipher } from '../envelope/envelope.data-cipher';
import { type KeyRing } from '../key-ring/key-ring';
import { LocalKeyWrapper } from '../key-wrap/local.key-wrapper';
import { type WorkspaceKeyWrappers } from '../key-wrap/workspace-key-wrappers.port';
import { DataKeyRewrapper } from './data-key.rewrapper';
import { InMemoryDataKeyStore } from './in-memory.data-key.store';

type Ring = Record<string, Uint8Array>;

function keyRing(currentKid: string, keys: Ring): KeyRing {
  return {
    currentKid,
    keys: new Map(Object.entries(keys).map(([kid, key]) => [kid, new Secret(Uint8Array.from(key))])),
  };
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}

describe('DataKeyRewrapper', () => {
  const k1 = new Uint8Array(randomBytes(32));
  const k2 = new Uint8Array(randomBytes(32));
  let store: InMemoryDataKeyStore;
  let workspaces: FakeWorkspaceKeys;

  function parts(
    ring: Ring,
    current = Object.keys(ring)[0],
    workspaceKeys: WorkspaceKeyWrappers = workspaces,
  ) {
    const wrappers = { service: new LocalKeyWrapper(keyRing(current, ring)), workspaceKeys };
    return {
      cipher: new EnvelopeDataCipher(store, wrappers, { maxKeyUses: 2 }),
      rewrapper: new DataKeyRewrapper(store, wrappers, { pageSize: 2, concurrency: 2 }),
    };
  }

  /** Tokens under several data keys per scope (maxKeyUses 2), with what they hold. */
  async function seal(
    cipher: EnvelopeDataCipher,
    scopes: (string | undefined)[],
  ): Promise<[string, string, string | undefined][]> {
    const sealed: [string, string, string | undefined][] = [];
    for (const [index, scope] of scopes.entries()) {
      const plaintext = `secret-${index}-${scope ?? 'service'}`;
      sealed.push([await cipher.encrypt(plaintext, 'c', scope), plaintext, scope]);
    }
    return sealed;
  }

  async function expectAllOpen(
    cipher: EnvelopeDataCipher,
    sealed: [string, string, string | undefined][],
  ): Promise<void> {
    for (const [token, plaintext, scope] of sealed)
      expect(text(await cipher.decrypt(token, 'c', scope))).toBe(plaintext);
  }

  beforeEach(() => {
    store = new InMemoryDataKeyStore();
    workspaces = new FakeWorkspaceKeys();
    workspaces.addKeyVersion('ws-a');
  });

  it('moves every service share to the new current service key; the old key is then not needed', async () => {
    const sealed = await seal(parts({ k1 }).cipher, [
      undefined,
      undefined,
      undefined,
      'ws-a',
      'ws-a',
      'ws-b',
    ]);
    const rotated = parts({ k2, k1 });

    const report = await rotated.rewrapper.rewrap();

    expect(report).toEqual({ rewrapped: 4, alreadyCurrent: 0, failed: 0, failures: [] });
    expect([...store.rows.values()].every((row) => row.service.kid === 'k2' && row.revision === 2)).toBe(
      true,
    );
    expect([...store.rows.values()].every((row) => row.rewrappedAt instanceof Date)).toBe(true);
    await expectAllOpen(parts({ k2 }).cipher, sealed);
    expect(await rotated.rewrapper.rewrap()).toEqual({
      rewrapped: 0,
      alreadyCurrent: 4,
      failed: 0,
      failures: [],
    });
  });

  it('moves workspace shares to the new version of the workspace key; the old version is then not needed', async () => {
    const before = parts({ k1 });
    const sealed = await seal(before.cipher, ['ws-a', 'ws-a', 'ws-a', 'ws-b', undefined]);
    const oldKid = [...store.rows.values()].find((row) => row.workspace)!.workspace!.kid;
    const newKid = workspaces.addKeyVersion('ws-a');

    const report = await before.rewrapper.rewrap({ workspaceId: 'ws-a' });

    expect(report).toMatchObject({ rewrapped: 2, alreadyCurrent: 0, failed: 0 });
    const ofA = [...store.rows.values()].filter((row) => row.scope === 'workspace:ws-a');
    expect(ofA.map((row) => row.workspace?.kid)).toEqual([newKid, newKid]);
    workspaces.retireVersion('ws-a', oldKid);
    await expectAllOpen(parts({ k1 }).cipher, sealed);
    expect(await before.rewrapper.rewrap({ workspaceId: 'ws-a' })).toMatchObject({
      rewrapped: 0,
      alreadyCurrent: 2,
    });
  });

  it('reports what it cannot do per data key, moves what it can, and a later run finishes the job', async () => {
    const before = parts({ k1 });
    const sealed = await seal(before.cipher, ['ws-a', 'ws-a', 'ws-a', 'ws-b']);
    workspaces.addKeyVersion('ws-a');
    workspaces.revoke('ws-a');

    const report = await parts({ k2, k1 }).rewrapper.rewrap();

    expect(report).toMatchObject({ rewrapped: 1, alreadyCurrent: 0, failed: 2 });
    expect(report.failures).toEqual([
      expect.objectContaining({
        retriable: true,
        reason: expect.stringContaining('KeyAccessRevokedError') as string,
      }),
      expect.objectContaining({ retriable: true }),
    ]);
    // The service shares of the revoked workspace moved anyway: the old service key is not held up.
    expect([...store.rows.values()].map((row) => row.service.kid)).toEqual(['k2', 'k2', 'k2']);
    workspaces.restore('ws-a');
    expect(await parts({ k2, k1 }).rewrapper.rewrap()).toMatchObject({
      rewrapped: 2,
      alreadyCurrent: 1,
      failed: 0,
    });
    await expectAllOpen(parts({ k2 }).cipher, sealed);
  });

  it('overlapping runs re-wrap each data key once (revision-guarded) and agree on the result', async () => {
    const sealed = await seal(
      parts({ k1 }).cipher,
      Array.from({ length: 20 }, () => 'ws-b'),
    );
    const rotated = parts({ k2, k1 });

    const reports = await Promise.all([rotated.rewrapper.rewrap(), parts({ k2, k1 }).rewrapper.rewrap()]);

    expect(reports.reduce((sum, report) => sum + report.rewrapped, 0)).toBe(10);
    expect(reports.reduce((sum, report) => sum + report.alreadyCurrent, 0)).toBe(10);
    expect(reports.every((report) => report.failed === 0)).toBe(true);
    expect([...store.rows.values()].every((row) => row.revision === 2)).toBe(true);
    await expectAllOpen(parts({ k2 }).cipher, sealed);
  });

  describe('removing a workspace key', () => {
    it('drops the shares: data keys become service-only, every token still opens after the key is gone', async () => {
      const { cipher, rewrapper } = parts({ k1 });
      const sealed = await seal(cipher, ['ws-a', 'ws-a', 'ws-a', 'ws-b', undefined]);
      workspaces.stopWrapping('ws-a');
      const untouched = [...store.rows.values()].filter((row) => row.scope !== 'workspace:ws-a');

      const report = await rewrapper.dropWorkspaceShares('ws-a');

      expect(report).toMatchObject({ rewrapped: 2, alreadyCurrent: 0, failed: 0 });
      const ofA = [...store.rows.values()].filter((row) => row.scope === 'workspace:ws-a');
      expect(ofA.every((row) => row.workspace === null && row.service.wrapped.length === 72)).toBe(true);
      expect([...store.rows.values()].filter((row) => row.scope !== 'workspace:ws-a')).toEqual(untouched);
      workspaces.remove('ws-a');
      await expectAllOpen(parts({ k1 }).cipher, sealed);
      expect(await rewrapper.dropWorkspaceShares('ws-a')).toMatchObject({ rewrapped: 0, alreadyCurrent: 2 });
    });

    it('folded data keys follow service rotations like any other', async () => {
      const sealed = await seal(parts({ k1 }).cipher, ['ws-a', 'ws-a']);
      await parts({ k1 }).rewrapper.dropWorkspaceShares('ws-a');
      workspaces.remove('ws-a');

      expect(await parts({ k2, k1 }).rewrapper.rewrap()).toMatchObject({ rewrapped: 1, failed: 0 });
      await expectAllOpen(parts({ k2 }).cipher, sealed);
    });

    it('a plain re-wrap leaves a removed workspace key share alone, says so, and still moves its service share', async () => {
      await seal(parts({ k1 }).cipher, ['ws-a']);
      workspaces.stopWrapping('ws-a');

      const report = await parts({ k2, k1 }).rewrapper.rewrap();

      expect(report).toMatchObject({ rewrapped: 0, failed: 1 });
      expect(report.failures[0]?.reason).toMatch(/workspace ws-a has no own key now/);
      const [row] = [...store.rows.values()];
      expect(row?.service.kid).toBe('k2');
      expect(row?.workspace).not.toBeNull();
    });

    it('cannot drop shares the workspace key no longer unwraps: reported, nothing changed', async () => {
      await seal(parts({ k1 }).cipher, ['ws-a']);
      const before = [...store.rows.values()];
      workspaces.revoke('ws-a');

      const report = await parts({ k1 }).rewrapper.dropWorkspaceShares('ws-a');

      expect(report).toMatchObject({
        rewrapped: 0,
        failed: 1,
        failures: [expect.objectContaining({ retriable: true })],
      });
      expect([...store.rows.values()]).toEqual(before);
    });
  });
});
