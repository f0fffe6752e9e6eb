import { type DataCipher } from '../data-cipher/data-cipher.port';

/**
 * A {@link DataCipher} limited to the service's own scope: a workspace scope is refused as a
 * programming error, never silently sealed without the workspace's key. For what must be readable
 * without any workspace key — the credentials that reach a workspace's key above all — and built
 * without workspace keys, so the workspace-key provider can use it without depending on itself.
 */
export class ServiceScopeDataCipher implements DataCipher {
  constructor(private readonly inner: DataCipher) {}

  encrypt(plaintext: Uint8Array | string, context: string, scope?: string): Promise<string> {
    if (scope !== undefined) return Promise.reject(workspaceScopeRefused());
    return this.inner.encrypt(plaintext, context);
  }

  decrypt(token: string, context: string, scope?: string): Promise<Uint8Array> {
    if (scope !== undefined) return Promise.reject(workspaceScopeRefused());
    return this.inner.decrypt(token, context);
  }
}

function workspaceScopeRefused(): RangeError {
  return new RangeError('this cipher only seals and opens service-scope data');
}
