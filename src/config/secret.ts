import { inspect } from 'node:util';
import { z } from 'zod';

const REDACTED = '[redacted]';

/**
 * A credential from config. It prints, serializes and logs as `[redacted]`; code that needs the value calls
 * `reveal()`, so a secret can only leave the process on purpose.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  get length(): number {
    return this.#value.length;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/** A config string that holds a credential; write it as `"${ENV_VAR}"`. */
export function secret() {
  return z
    .string()
    .min(1, 'must not be empty')
    .meta({ description: 'A secret; write it as "${ENV_VAR}" so it stays out of the file.' })
    .transform((value) => new Secret(value));
}
