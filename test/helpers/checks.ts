import { checkSchema } from '../../src/config/schema.js';
import type { Check } from '../../src/probe/index.js';

/** A check as the config loader would produce it, defaults applied. */
export function makeCheck(raw: Record<string, unknown>): Check {
  return checkSchema.parse({ id: 'test-check', service: 'auth', ...raw }) as Check;
}
