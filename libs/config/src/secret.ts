import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * Wraps a secret value so that it cannot leak through string conversion, JSON, util.inspect
 * or a logger's serializer. The only way to read it is `reveal()`, which is easy to grep for.
 */
export class Secret<T = string> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  reveal(): T {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}

export function isSecret(value: unknown): value is Secret<unknown> {
  return value instanceof Secret;
}
