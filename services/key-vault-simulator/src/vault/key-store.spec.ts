import { generateKeyMaterial } from './key-material';
import { KeyStore } from './key-store';

describe('KeyStore', () => {
  it('adds versions (32 lowercase hex), the newest being current, and finds them case-insensitively', async () => {
    const material = await generateKeyMaterial({ kty: 'EC', curve: 'P-256' });
    const store = new KeyStore();
    const first = store.addVersion('My-Key', material, {}, 100);
    const second = store.addVersion('my-key', material, {}, 200);
    expect(first.version).toMatch(/^[0-9a-f]{32}$/);
    expect(store.find('MY-KEY')).toBe(second);
    expect(store.find('my-key', first.version.toUpperCase())).toBe(first);
    expect(store.find('my-key', '')).toBe(second);
    expect(second.name).toBe('My-Key');
    expect(second.keyOps).toEqual(['sign', 'verify']);
  });

  it('updates attributes, clearing nbf/exp with null, and forgets deleted keys', async () => {
    const material = await generateKeyMaterial({ kty: 'EC', curve: 'P-384' });
    const store = new KeyStore();
    const version = store.addVersion('k', material, { exp: 500, nbf: 50 }, 100);
    store.update('k', undefined, { enabled: false, exp: null, keyOps: ['verify'] }, 300);
    expect(version.attributes).toEqual({ enabled: false, nbf: 50, created: 100, updated: 300 });
    expect(version.keyOps).toEqual(['verify']);
    expect(store.update('k', 'f'.repeat(32), { enabled: true }, 400)).toBeUndefined();
    expect(store.delete('K')).toBe(true);
    expect(store.find('k')).toBeUndefined();
  });
});
