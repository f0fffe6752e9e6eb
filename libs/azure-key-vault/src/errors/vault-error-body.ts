/** What Key Vault says in an error body: `{"error":{"code","message","innererror":{"code"}}}`. */
export interface VaultErrorBody {
  readonly code?: string;
  /** The innermost `innererror.code`, e.g. `ForbiddenByRbac`, `ForbiddenByFirewall`, `KeyDisabled`. */
  readonly innerCode?: string;
  readonly message?: string;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const readString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Never throws: an unreadable body is an empty one. */
export function parseVaultErrorBody(text: string | undefined): VaultErrorBody {
  if (text === undefined || text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  const error = isObject(parsed) && isObject(parsed.error) ? parsed.error : undefined;
  if (error === undefined) return {};
  return {
    code: readString(error.code),
    innerCode: innermostCode(error),
    message: readString(error.message),
  };
}

function innermostCode(error: Json): string | undefined {
  let code: string | undefined;
  let inner = error.innererror ?? error.innerError;
  // Bounded: a hostile body could nest without end.
  for (let depth = 0; isObject(inner) && depth < 5; depth += 1) {
    code = readString(inner.code) ?? code;
    inner = inner.innererror ?? inner.innerError;
  }
  return code;
}

/**
 * The SDK turns a Key Vault error into a `RestError` with `error.code` and `error.message` but drops
 * `innererror`, which is what tells a missing role (`ForbiddenByRbac`) from a firewall
 * (`ForbiddenByFirewall`) or a disabled key (`KeyDisabled`). A pipeline policy records each failed
 * response's body here, keyed by the request object the `RestError` keeps.
 */
export class VaultErrorBodies {
  readonly #bodies = new WeakMap<object, VaultErrorBody>();

  record(request: object, bodyText: string | undefined): void {
    this.#bodies.set(request, parseVaultErrorBody(bodyText));
  }

  of(error: unknown): VaultErrorBody | undefined {
    const request = isObject(error) ? error.request : undefined;
    return isObject(request) ? this.#bodies.get(request) : undefined;
  }
}
