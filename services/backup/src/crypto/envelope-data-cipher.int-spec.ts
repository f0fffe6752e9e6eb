import { randomBytes } from 'node:crypto';
import { Secret } from '@vault-backup/config';
import {
  DataDecryptionError,
  DataKeyRewrapper,
  EnvelopeDataCipher,
  type EnvelopeDataCipherOptions,
  type KeyRing,
  LocalDataCipher,
  LocalKeyWrapper,
} from '@vault-backup/crypto';
import { createTestDatabase, type TestDatabase } from '@vault-backup/testing';
import {
  FakeWorkspaceKeys,
  KeyAccessRevokedError,
} from '../../../../libs/crypto/test/workspace-keys.fixture';
import { PgDataKeyStore } from './pg-data-key.store';

const TTL = 60_000;
const K1 = new Uint8Array(randomBytes(32));
const K2 = new Uint8Array(randomBytes(32));

interface DataKeyRow {
  id: string;
  scope: string;
  service_kid: string;
  workspace_kid: string | null;
  revision: number;
  rewrapped_at: Date | null;
}

type Sealed = { token: string; plaintext: string; scope: string | undefined };

function keyRing(currentKid: string, keys: Record<string, Uint8Array>): KeyRing {
  return {
    currentKid,
    keys: new Map(Object.entries(keys).map(([kid, key]) => [kid, new Secret(Uint8Array.from(key))])),
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('EnvelopeDataCipher on PostgreSQL', () => {
  let database: TestDatabase;
  let store: PgDataKeyStore;
  let workspaces: FakeWorkspaceKeys;
  let clock: number;

  /** One service instance: its own caches over the shared table. */
  function instance(ring = keyRing('k1', { k1: K1 }), options: EnvelopeDataCipherOptions = {}) {
    const wrappers = { service: new LocalKeyWrapper(ring), workspaceKeys: workspaces };
    return {
      cipher: new EnvelopeDataCipher(store, wrappers, {
        legacyRing: ring,
        cacheTtlMs: TTL,
        now: () => clock,
        ...options,
      }),
      rewrapper: new DataKeyRewrapper(store, wrappers, { pageSize: 3 }),
    };
  }

  /** One after the other, so that `maxKeyUses` spreads them over several data keys. */
  async function seal(cipher: EnvelopeDataCipher, scopes: (string | undefined)[]): Promise<Sealed[]> {
    const sealed: Sealed[] = [];
    for (const [index, scope] of scopes.entries()) {
      const plaintext = `plain-${index}-${scope ?? 'service'}`;
      sealed.push({ token: await cipher.encrypt(plaintext, 'pending-backup', scope), plaintext, scope });
    }
    return sealed;
  }

  async function expectAllOpen(cipher: EnvelopeDataCipher, sealed: readonly Sealed[]): Promise<void> {
    for (const { token, plaintext, scope } of sealed)
      expect(Buffer.from(await cipher.decrypt(token, 'pending-backup', scope)).toString()).toBe(plaintext);
  }

  async function rows(scope?: string): Promise<DataKeyRow[]> {
    return database.dataSource.query<DataKeyRow[]>(
      `SELECT id, scope, service_kid, workspace_kid, revision, rewrapped_at FROM data_key
        WHERE $1::text IS NULL OR scope = $1 ORDER BY id`,
      [scope ?? null],
    );
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new PgDataKeyStore(database.dataSource);
  });

  afterAll(async () => {
    await database.drop();
  });

  beforeEach(async () => {
    clock = 1_000_000;
    workspaces = new FakeWorkspaceKeys();
    workspaces.addKeyVersion('ws-a');
    await database.dataSource.query('DELETE FROM data_key');
  });

  it('round-trips per scope, across instances, keeping one data key row per scope', async () => {
    const sealed = await seal(instance().cipher, [undefined, undefined, 'ws-a', 'ws-a', 'ws-b']);

    await expectAllOpen(instance().cipher, sealed);
    const stored = await rows();
    expect(stored.map((row) => row.scope).sort()).toEqual(['service', 'workspace:ws-a', 'workspace:ws-b']);
    expect(stored.find((row) => row.scope === 'workspace:ws-a')?.workspace_kid).toMatch(/\/v1$/);
    expect(stored.find((row) => row.scope === 'workspace:ws-b')?.workspace_kid).toBeNull();
  });

  it("refuses a token opened as another workspace's or as service data", async () => {
    const [ofA] = await seal(instance().cipher, ['ws-a']);
    const reader = instance().cipher;

    for (const scope of ['ws-b', undefined]) {
      const error = await rejection(reader.decrypt(ofA.token, 'pending-backup', scope));
      expect(error).toBeInstanceOf(DataDecryptionError);
      expect(error).toMatchObject({ reason: 'token belongs to another scope', retriable: false });
    }
  });

  it('still opens tokens LocalDataCipher wrote before envelope encryption', async () => {
    const legacy = await new LocalDataCipher(keyRing('k1', { k1: K1 })).encrypt('old', 'client-secret');

    expect(Buffer.from(await instance().cipher.decrypt(legacy, 'client-secret', 'ws-a')).toString()).toBe(
      'old',
    );
  });

  it('revocation: once the cache TTL passed, the workspace fails with the retriable vault error; others open', async () => {
    const sealed = await seal(instance().cipher, ['ws-a', 'ws-b', undefined]);
    const reader = instance().cipher;
    await expectAllOpen(reader, sealed);

    workspaces.revoke('ws-a');
    clock += TTL + 1;
    const error = await rejection(reader.decrypt(sealed[0].token, 'pending-backup', 'ws-a'));

    expect(error).toBeInstanceOf(KeyAccessRevokedError);
    expect(error).toMatchObject({ retriable: true, errorClass: 'key-access-revoked' });
    await expectAllOpen(reader, sealed.slice(1));

    const afterRevocation = await seal(instance().cipher, ['ws-a']);
    expect(
      await rejection(reader.decrypt(afterRevocation[0].token, 'pending-backup', 'ws-a')),
    ).toBeInstanceOf(KeyAccessRevokedError);
    workspaces.restore('ws-a');
    await expectAllOpen(reader, [...sealed, ...afterRevocation]);
  });

  it('re-wraps after a service key rotation: rows move, old tokens open without the old key, a second run does nothing', async () => {
    const sealed = await seal(instance(keyRing('k1', { k1: K1 }), { maxKeyUses: 2 }).cipher, [
      undefined,
      undefined,
      undefined,
      'ws-a',
      'ws-a',
      'ws-a',
      'ws-b',
    ]);
    const count = (await rows()).length;
    const rotated = instance(keyRing('k2', { k2: K2, k1: K1 }));

    expect(await rotated.rewrapper.rewrap()).toEqual({
      rewrapped: count,
      alreadyCurrent: 0,
      failed: 0,
      failures: [],
    });
    expect(
      (await rows()).every((row) => row.service_kid === 'k2' && row.revision === 2 && row.rewrapped_at),
    ).toBe(true);
    await expectAllOpen(instance(keyRing('k2', { k2: K2 })).cipher, sealed);
    expect(await rotated.rewrapper.rewrap()).toMatchObject({
      rewrapped: 0,
      alreadyCurrent: count,
      failed: 0,
    });
  });

  it('re-wraps after a workspace key version change: its rows move, the old version can go, a second run does nothing', async () => {
    const sealed = await seal(instance(undefined, { maxKeyUses: 2 }).cipher, [
      'ws-a',
      'ws-a',
      'ws-a',
      'ws-b',
    ]);
    const [oldKid] = (await rows('workspace:ws-a')).map((row) => row.workspace_kid);
    const newKid = workspaces.addKeyVersion('ws-a');
    const { rewrapper } = instance();

    expect(await rewrapper.rewrap({ workspaceId: 'ws-a' })).toMatchObject({ rewrapped: 2, failed: 0 });
    expect((await rows('workspace:ws-a')).map((row) => row.workspace_kid)).toEqual([newKid, newKid]);
    workspaces.retireVersion('ws-a', oldKid!);
    await expectAllOpen(instance().cipher, sealed);
    expect(await rewrapper.rewrap({ workspaceId: 'ws-a' })).toMatchObject({
      rewrapped: 0,
      alreadyCurrent: 2,
    });
  });

  it('dropping a workspace key: data keys become service-only and stay readable after the key is gone', async () => {
    const sealed = await seal(instance().cipher, ['ws-a', 'ws-b']);
    workspaces.stopWrapping('ws-a');

    expect(await instance().rewrapper.dropWorkspaceShares('ws-a')).toMatchObject({ rewrapped: 1, failed: 0 });
    workspaces.remove('ws-a');

    expect((await rows('workspace:ws-a')).map((row) => row.workspace_kid)).toEqual([null]);
    await expectAllOpen(instance().cipher, sealed);
  });

  it('overlapping re-wrap runs on separate instances re-wrap each row exactly once', async () => {
    await seal(
      instance(undefined, { maxKeyUses: 1 }).cipher,
      Array.from({ length: 12 }, () => 'ws-b'),
    );
    const ring = keyRing('k2', { k2: K2, k1: K1 });

    const reports = await Promise.all([instance(ring).rewrapper.rewrap(), instance(ring).rewrapper.rewrap()]);

    expect(reports[0].rewrapped + reports[1].rewrapped).toBe(12);
    expect(reports[0].failed + reports[1].failed).toBe(0);
    expect((await rows()).every((row) => row.revision === 2)).toBe(true);
  });

  it('concurrent encryptions of one scope make at most one data key per instance', async () => {
    const instances = [instance(), instance(), instance()];

    await Promise.all(
      instances.flatMap(({ cipher }) =>
        Array.from({ length: 30 }, (_, index) => cipher.encrypt(`v${index}`, 'pending-backup', 'ws-a')),
      ),
    );

    expect((await rows('workspace:ws-a')).length).toBeLessThanOrEqual(instances.length);
  });

  it('holds no plaintext: the data_key rows never contain what was encrypted', async () => {
    const marker = `MARKER-${randomBytes(6).toString('hex')}`;
    await seal(instance().cipher, []);
    const cipher = instance().cipher;
    for (const scope of [undefined, 'ws-a', 'ws-b']) await cipher.encrypt(marker, 'pending-backup', scope);

    const dump = await database.dataSource.query<Record<string, unknown>[]>('SELECT * FROM data_key');
    const text = JSON.stringify(dump, (_key, value: unknown) =>
      Buffer.isBuffer(value) ? value.toString('latin1') : value,
    );
    expect(dump).toHaveLength(3);
    for (const form of [marker, Buffer.from(marker).toString('hex'), Buffer.from(marker).toString('base64')])
      expect(text).not.toContain(form);
  });

  describe('PgDataKeyStore', () => {
    it('guards re-wraps by revision, pages in id order, and finds nothing for an unknown id', async () => {
      await seal(instance(undefined, { maxKeyUses: 1 }).cipher, ['ws-b', 'ws-b', 'ws-b']);
      const [first, ...rest] = await store.page({ scope: 'workspace:ws-b', limit: 10 });
      const wrapping = { service: first.service, workspace: null };

      expect(await store.rewrap(first.id, first.revision, wrapping)).toBe(true);
      expect(await store.rewrap(first.id, first.revision, wrapping)).toBe(false);
      expect(
        (await store.page({ scope: 'workspace:ws-b', afterId: first.id, limit: 10 })).map((r) => r.id),
      ).toEqual(rest.map((r) => r.id));
      expect(await store.find('00000000-0000-4000-8000-000000000000')).toBeUndefined();
      expect((await store.find(first.id))?.keyCheck).toHaveLength(16);
    });

    it('refuses rows the schema forbids, as a permanent typed error', async () => {
      const [row] = await store
        .page({ limit: 1 })
        .then(async (page) =>
          page.length > 0 ? page : (await seal(instance().cipher, [undefined]), store.page({ limit: 1 })),
        );
      const bad = {
        ...row,
        id: '00000000-0000-4000-8000-000000000001',
        scope: 'service',
        workspace: { kid: 'x', wrapped: new Uint8Array(8) },
      };

      await expect(store.insert(bad)).rejects.toMatchObject({ code: 'DATABASE_REJECTED', retriable: false });
      await expect(store.insert({ ...row, scope: 'workspace:ws-z' })).rejects.toMatchObject({
        code: 'DATABASE_REJECTED',
      });
    });
  });
});
