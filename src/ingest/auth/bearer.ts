import { z } from 'zod';
import { secret } from '../../config/secret.js';
import { secureEqual } from '../../secure-compare.js';
import { header, type SignedRequest, type Verdict } from './types.js';

export const type = 'bearer';

export const schema = z.object({
  token: secret(),
  /** Header that carries the token; default `Authorization` with the `Bearer ` scheme. */
  header: z.string().default('authorization'),
});

export function verify(cfg: z.output<typeof schema>, req: SignedRequest): Verdict {
  const raw = header(req, cfg.header);
  if (!raw) return { ok: false, reason: `missing ${cfg.header} header` };
  const presented = cfg.header.toLowerCase() === 'authorization' ? /^Bearer\s+(.+)$/i.exec(raw.trim())?.[1] : raw.trim();
  if (!presented) return { ok: false, reason: 'expected "Authorization: Bearer <token>"' };
  return secureEqual(presented, cfg.token.reveal()) ? { ok: true } : { ok: false, reason: 'wrong token' };
}
