import { randomBytes } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { Secret } from '@vault-backup/config';
import { ConfigurationError, DependencyUnavailableError } from '@vault-backup/errors';
import { FakeWorkspaceKeys, KeyAccessRevokedError } from '../../test/workspace-keys.fixture';
import { DataDecryptionError } from '../data-cipher/data-decryption.error';
import { LocalDataCipher } from '../data-cipher/local.data-cipher';
import { InMemoryDataKeyStore } from '../data-key/in-memory.data-key.store';
import { type KeyRing } from '../key-ring/key-ring';
import { type KeyWrapper, type WrappedKey } from '../key-wrap/key-wrapper.port';
import { LocalKeyWrapper } from '../key-wrap/local.key-wrapper';
import { NoWorkspaceKeys } from '../key-wrap/no-workspace-keys';
import { type EnvelopeDataCipherOptions } from './envelope-data-cipher.options';
import { EnvelopeDataCipher } from './envelope.data-cipher';
import { ServiceScopeDataCipher } from './service-scope.data-cipher';

const TTL = 5 * 60_000;

function ring(currentKid: string, ...kids: string[]): KeyRing {
  return {
    currentKid,
    keys: new Map([currentKid, ...kids].map((kid) => [kid, new Secret(new Uint8Array(randomBytes(32)))])),
  };
}

/** A service wrapper whose current key can be switched while the cipher runs (a Key Vault key rotated). */
class SwitchableWrapper implements KeyWrapper {
  unwraps = 0;
  constructor(public inner: KeyWrapper) {}
  get kid(): string {
    return this.inner.kid;
  }
  wrap(key: Uint8Array): Promise<WrappedKey> {
    return this.inner.wrap(key);
  }
  unwrap(kid: string, wrapped: Uint8Array): Promise<Uint8Array> {
    this.unwraps += 1;
    return this.inner.unwrap(kid, wrapped);
  }
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}

describe('EnvelopeDataCipher', () => {
  const keyRing = ring('k1');
  let clock: number;
  let store: InMemoryDataKeyStore;
  let service: SwitchableWrapper;
  let workspaces: FakeWorkspaceKeys;
  let kidA: string;

  function cipher(options: EnvelopeDataCipherOptions = {}): EnvelopeDataCipher {
    return new EnvelopeDataCipher(
      store,
      { service, workspaceKeys: workspaces },
      { legacyRing: keyRing, cacheTtlMs: TTL, now: () => clock, ...options },
    );
  }

  beforeAll(() => {
    workspaces = new FakeWorkspaceKeys();
    kidA = workspaces.addKeyVersion('ws-a');
  });

  beforeEach(() => {
    clock = 1_000_000;
    store = new InMemoryDataKeyStore();
    service = new SwitchableWrapper(new LocalKeyWrapper(keyRing));
    workspaces.restore('ws-a');
    workspaces.unwrapCalls.length = 0;
  });

  describe('round trips', () => {
    it.each([
      ['the service scope', undefined],
      ['a workspace with its own key', 'ws-a'],
      ['a workspace without one', 'ws-b'],
    ])('encrypts and decrypts in %s, also in another process', async (_case, scope) => {
      const token = await cipher().encrypt('client secret ✓', 'client-secret', scope);

      expect(text(await cipher().decrypt(token, 'client-secret', scope))).toBe('client secret ✓');
    });

    it('emits the ring format with a data key kid: compact JWE, dir + A256GCM, critical ctx', async () => {
      const token = await cipher().encrypt('value', 'pending-backup', 'ws-a');

      expect(decodeProtectedHeader(token)).toEqual({
        alg: 'dir',
        enc: 'A256GCM',
        kid: expect.stringMatching(/^dk\.[0-9a-f-]{36}$/) as string,
        ctx: 'pending-backup',
        crit: ['ctx'],
      });
    });

    it('keeps one data key per scope: a service-only one, and one with a workspace share under its key', async () => {
      const envelope = cipher();
      const tokens = await Promise.all(
        [undefined, undefined, 'ws-a', 'ws-a', 'ws-b'].map((scope) => envelope.encrypt('x', 'c', scope)),
      );
      const kids = tokens.map((token) => decodeProtectedHeader(token).kid);

      expect(kids[0]).toBe(kids[1]);
      expect(kids[2]).toBe(kids[3]);
      expect(new Set(kids).size).toBe(3);
      const rows = [...store.rows.values()];
      expect(rows.map(({ scope }) => scope).sort()).toEqual(['service', 'workspace:ws-a', 'workspace:ws-b']);
      expect(rows.find(({ scope }) => scope === 'workspace:ws-a')?.workspace?.kid).toBe(kidA);
      expect(rows.find(({ scope }) => scope === 'workspace:ws-b')?.workspace).toBeNull();
      expect(rows.every(({ service: wrapped }) => wrapped.kid === 'k1')).toBe(true);
    });

    it('keeps no plaintext, share or derived key in the store', async () => {
      const envelope = cipher();
      await envelope.encrypt('MARKER-9f3a', 'c', 'ws-a');
      const stored = JSON.stringify([...store.rows.values()], (_key, value: unknown) =>
        value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value,
      );

      expect(stored).not.toContain('MARKER-9f3a');
    });
  });

  describe('what a token is bound to', () => {
    it('refuses a token of another scope, before asking any vault', async () => {
      const envelope = cipher();
      const ofA = await envelope.encrypt('value', 'c', 'ws-a');
      const ofService = await envelope.encrypt('value', 'c');
      const fresh = cipher();

      for (const [token, scope] of [
        [ofA, 'ws-b'],
        [ofA, undefined],
        [ofService, 'ws-a'],
      ] as const) {
        const error = await failure(fresh.decrypt(token, 'c', scope));
        expect(error).toBeInstanceOf(DataDecryptionError);
        expect((error as DataDecryptionError).reason).toBe('token belongs to another scope');
      }
      expect(workspaces.unwrapCalls).toEqual([]);
      expect((await failure(envelope.decrypt(ofA, 'c', 'service'))) as DataDecryptionError).toMatchObject({
        reason: 'token belongs to another scope',
      });
    });

    it('refuses another context, a tampered token and an unknown data key', async () => {
      const token = await cipher().encrypt('value', 'pending-backup', 'ws-a');
      const [header, , iv, body, tag] = token.split('.');
      const tampered = [header, '', iv, body, `${tag?.slice(0, -2) ?? ''}AA`].join('.');
      const unknown = await new EnvelopeDataCipher(new InMemoryDataKeyStore(), {
        service,
        workspaceKeys: workspaces,
      }).encrypt('value', 'c', 'ws-a');

      expect(await failure(cipher().decrypt(token, 'dead-letter-value', 'ws-a'))).toMatchObject({
        reason: 'token belongs to another context',
      });
      expect(await failure(cipher().decrypt(tampered, 'pending-backup', 'ws-a'))).toMatchObject({
        reason: expect.stringMatching(/^authentication failed/) as string,
      });
      expect(await failure(cipher().decrypt(unknown, 'c', 'ws-a'))).toMatchObject({
        reason: 'unknown data key',
      });
    });

    it('refuses a data key whose row was moved to another scope (the scope is bound into the key)', async () => {
      const token = await cipher().encrypt('value', 'c', 'ws-b');
      const [row] = [...store.rows.values()];
      store.rows.set(row.id, { ...row, scope: 'workspace:ws-c' });

      expect(await failure(cipher().decrypt(token, 'c', 'ws-c'))).toMatchObject({
        reason: 'data key material does not match its check value',
      });
    });

    it.each(['', 'has space', 'x'.repeat(65)])(
      'rejects the invalid scope %j as a programming error',
      async (scope) => {
        await expect(cipher().encrypt('value', 'c', scope)).rejects.toThrow(RangeError);
        await expect(cipher().decrypt('a.b.c.d.e', 'c', scope)).rejects.toThrow(RangeError);
      },
    );
  });

  describe('legacy tokens (LocalDataCipher, before envelope encryption)', () => {
    it('still decrypt, in whatever scope they are read', async () => {
      const legacy = await new LocalDataCipher(keyRing).encrypt('old secret', 'client-secret');

      expect(text(await cipher().decrypt(legacy, 'client-secret', 'ws-a'))).toBe('old secret');
      expect(text(await cipher().decrypt(legacy, 'client-secret'))).toBe('old secret');
      expect(await failure(cipher().decrypt(legacy, 'other'))).toMatchObject({
        reason: 'token belongs to another context',
      });
    });

    it('are refused when their key left the ring, or without a legacy ring', async () => {
      const legacy = await new LocalDataCipher(ring('k0')).encrypt('old secret', 'c');

      expect(await failure(cipher().decrypt(legacy, 'c'))).toMatchObject({ reason: 'unknown key id k0' });
      expect(await failure(cipher({ legacyRing: undefined }).decrypt(legacy, 'c'))).toMatchObject({
        reason: 'unknown key id k0',
      });
    });

    it('a ring may not use the data key prefix', () => {
      expect(() => cipher({ legacyRing: ring('dk.1') })).toThrow(ConfigurationError);
    });
  });

  describe('revocation', () => {
    it('makes the workspace unreadable once the cache TTL passed, with the vault error unchanged; others go on', async () => {
      const envelope = cipher();
      const ofA = await envelope.encrypt('a', 'c', 'ws-a');
      const ofB = await envelope.encrypt('b', 'c', 'ws-b');
      const ofService = await envelope.encrypt('s', 'c');
      const reader = cipher();
      expect(text(await reader.decrypt(ofA, 'c', 'ws-a'))).toBe('a');

      workspaces.revoke('ws-a');
      clock += TTL - 1;
      expect(text(await reader.decrypt(ofA, 'c', 'ws-a'))).toBe('a');
      clock += 2;
      const error = await failure(reader.decrypt(ofA, 'c', 'ws-a'));

      expect(error).toBeInstanceOf(KeyAccessRevokedError);
      expect(error).toMatchObject({ retriable: true, errorClass: 'key-access-revoked' });
      expect(text(await reader.decrypt(ofB, 'c', 'ws-b'))).toBe('b');
      expect(text(await reader.decrypt(ofService, 'c'))).toBe('s');
    });

    it('still seals new data for a revoked workspace (public-key wrap), readable again once access is back', async () => {
      workspaces.revoke('ws-a');
      const token = await cipher().encrypt('sealed after revocation', 'c', 'ws-a');
      const reader = cipher();

      expect(await failure(reader.decrypt(token, 'c', 'ws-a'))).toBeInstanceOf(KeyAccessRevokedError);
      workspaces.restore('ws-a');
      expect(text(await reader.decrypt(token, 'c', 'ws-a'))).toBe('sealed after revocation');
    });

    it('does not cache failures: a transient store outage passes through and the next call retries', async () => {
      const token = await cipher().encrypt('value', 'c', 'ws-a');
      const outage = new DependencyUnavailableError('postgresql', 'down');
      const find = jest.spyOn(store, 'find').mockRejectedValueOnce(outage);
      const reader = cipher();

      expect(await failure(reader.decrypt(token, 'c', 'ws-a'))).toBe(outage);
      expect(text(await reader.decrypt(token, 'c', 'ws-a'))).toBe('value');
      find.mockRestore();
    });
  });

  describe('caching and single flight', () => {
    it('concurrent encryptions of one scope create one data key', async () => {
      const insert = jest.spyOn(store, 'insert');
      const envelope = cipher();
      const tokens = await Promise.all(
        Array.from({ length: 50 }, (_, index) => envelope.encrypt(`v${index}`, 'c', 'ws-a')),
      );

      expect(insert).toHaveBeenCalledTimes(1);
      expect(new Set(tokens.map((token) => decodeProtectedHeader(token).kid)).size).toBe(1);
    });

    it('concurrent decryptions of a cold data key unwrap it once; then it is served from the cache', async () => {
      const writer = cipher();
      const tokens = await Promise.all(
        Array.from({ length: 50 }, (_, index) => writer.encrypt(`v${index}`, 'c', 'ws-a')),
      );
      const reader = cipher();

      const plaintexts = await Promise.all(tokens.map((token) => reader.decrypt(token, 'c', 'ws-a')));
      await reader.decrypt(tokens[0], 'c', 'ws-a');

      expect(plaintexts.map(text)).toEqual(tokens.map((_, index) => `v${index}`));
      expect(workspaces.unwrapCalls).toHaveLength(1);
      expect(service.unwraps).toBe(1);
    });

    it('decrypts its own tokens without unwrapping (the data key it created is cached)', async () => {
      const envelope = cipher();

      await envelope.decrypt(await envelope.encrypt('v', 'c', 'ws-a'), 'c', 'ws-a');

      expect(workspaces.unwrapCalls).toHaveLength(0);
    });

    it('bounds the cache by count too', async () => {
      const writer = cipher();
      const tokens = [
        await writer.encrypt('1', 'c', 'ws-b'),
        await writer.encrypt('2', 'c', 'ws-c'),
        await writer.encrypt('3', 'c', 'ws-d'),
      ];
      const reader = cipher({ cacheMaxKeys: 2 });
      for (const token of tokens) await reader.decrypt(token, 'c', workspaceOf(token));
      service.unwraps = 0;

      await reader.decrypt(tokens[0], 'c', 'ws-b');

      expect(service.unwraps).toBe(1);
    });

    function workspaceOf(token: string): string {
      const id = String(decodeProtectedHeader(token).kid).slice(3);
      return store.rows.get(id)!.scope.slice('workspace:'.length);
    }
  });

  describe('data key rotation', () => {
    async function kidOf(envelope: EnvelopeDataCipher, scope?: string): Promise<unknown> {
      return decodeProtectedHeader(await envelope.encrypt('v', 'c', scope)).kid;
    }

    it('replaces a data key after its maximum age and after its maximum uses', async () => {
      const envelope = cipher({ maxKeyAgeMs: 1_000, maxKeyUses: 3 });
      const first = await kidOf(envelope);
      expect(await kidOf(envelope)).toBe(first);
      expect(await kidOf(envelope)).toBe(first);
      const second = await kidOf(envelope);
      expect(second).not.toBe(first);
      clock += 1_000;
      expect(await kidOf(envelope)).not.toBe(second);
    });

    it('replaces a data key at once when the service key rotates', async () => {
      const envelope = cipher();
      const first = await kidOf(envelope, 'ws-a');
      service.inner = new LocalKeyWrapper({ ...keyRing, currentKid: 'k1' });
      expect(await kidOf(envelope, 'ws-a')).toBe(first);

      service.inner = new LocalKeyWrapper(ring('k2'));

      expect(await kidOf(envelope, 'ws-a')).not.toBe(first);
      expect([...store.rows.values()].map((row) => row.service.kid).sort()).toEqual(['k1', 'k2']);
    });

    it("notices another process's change of a workspace key within the TTL, and at once through forgetScope", async () => {
      const local = new FakeWorkspaceKeys();
      local.addKeyVersion('ws-x');
      const own = new EnvelopeDataCipher(
        store,
        { service, workspaceKeys: local },
        { now: () => clock, cacheTtlMs: 1_000 },
      );
      const first = await kidOf(own, 'ws-x');

      local.stopWrapping('ws-x');
      expect(await kidOf(own, 'ws-x')).toBe(first);
      clock += 1_000;
      const second = await kidOf(own, 'ws-x');
      expect(second).not.toBe(first);
      expect(store.rows.get(String(second).slice(3))?.workspace).toBeNull();

      local.addKeyVersion('ws-x');
      own.forgetScope('ws-x');
      const third = await kidOf(own, 'ws-x');
      expect(third).not.toBe(second);
      expect(store.rows.get(String(third).slice(3))?.workspace?.kid).toMatch(/\/v2$/);
    });

    it('forgetScope also drops unwrapped keys of that workspace only', async () => {
      const writer = cipher();
      const ofA = await writer.encrypt('a', 'c', 'ws-a');
      const ofB = await writer.encrypt('b', 'c', 'ws-b');
      const reader = cipher();
      await reader.decrypt(ofA, 'c', 'ws-a');
      await reader.decrypt(ofB, 'c', 'ws-b');
      service.unwraps = 0;

      reader.forgetScope('ws-a');
      await reader.decrypt(ofA, 'c', 'ws-a');
      await reader.decrypt(ofB, 'c', 'ws-b');

      expect(service.unwraps).toBe(1);
      expect(workspaces.unwrapCalls).toHaveLength(2);
    });
  });

  describe('errors of the wrappers and the store pass through unchanged', () => {
    it('on encryption', async () => {
      const outage = new DependencyUnavailableError('postgresql', 'down');
      jest.spyOn(store, 'insert').mockRejectedValueOnce(outage);

      expect(await failure(cipher().encrypt('v', 'c'))).toBe(outage);
    });

    it('on decryption, from the service wrapper', async () => {
      const token = await cipher().encrypt('v', 'c');
      const outage = new DependencyUnavailableError('azure-key-vault', 'throttled');
      jest.spyOn(service, 'unwrap').mockRejectedValueOnce(outage);

      expect(await failure(cipher().decrypt(token, 'c'))).toBe(outage);
    });
  });

  it('with no workspace keys at all (the default), every data key is service-only', async () => {
    const envelope = new EnvelopeDataCipher(store, { service, workspaceKeys: new NoWorkspaceKeys() });

    expect(text(await envelope.decrypt(await envelope.encrypt('v', 'c', 'ws-a'), 'c', 'ws-a'))).toBe('v');
    expect([...store.rows.values()][0]?.workspace).toBeNull();
  });

  it('refuses settings that are not positive integers', () => {
    expect(() => cipher({ cacheTtlMs: 0 })).toThrow(RangeError);
    expect(() => cipher({ maxKeyUses: 1.5 })).toThrow(RangeError);
  });
});

describe('ServiceScopeDataCipher', () => {
  const service = new LocalKeyWrapper(ring('k1'));
  const store = new InMemoryDataKeyStore();
  const full = new EnvelopeDataCipher(store, { service, workspaceKeys: new FakeWorkspaceKeys() });
  const serviceOnly = new ServiceScopeDataCipher(
    new EnvelopeDataCipher(store, { service, workspaceKeys: new NoWorkspaceKeys() }),
  );

  it('shares service-scope tokens with the full cipher and refuses workspace scopes both ways', async () => {
    const token = await full.encrypt('key vault client secret', 'c');

    expect(text(await serviceOnly.decrypt(token, 'c'))).toBe('key vault client secret');
    expect(text(await full.decrypt(await serviceOnly.encrypt('v', 'c'), 'c'))).toBe('v');
    await expect(serviceOnly.encrypt('v', 'c', 'ws-a')).rejects.toThrow(RangeError);
    await expect(serviceOnly.decrypt(token, 'c', 'ws-a')).rejects.toThrow(RangeError);
  });
});
