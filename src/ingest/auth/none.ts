import { z } from 'zod';
import type { Verdict } from './types.js';

export const type = 'none';

export const schema = z.object({});

/** Accepts anything; only for senders on a trusted network, and it must be written out in config. */
export function verify(): Verdict {
  return { ok: true };
}
