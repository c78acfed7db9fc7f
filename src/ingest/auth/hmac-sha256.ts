import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { duration } from '../../config/duration.js';
import { secret } from '../../config/secret.js';
import { signatureEqual } from '../../secure-compare.js';
import { checkTimestamp, header, type SignedRequest, type Verdict } from './types.js';

export const type = 'hmac-sha256';

export const schema = z.object({
  header: z.string().min(1),
  secret: secret(),
  /** Text before the digest in the header, such as `sha256=` (GitHub). */
  prefix: z.string().default(''),
  encoding: z.enum(['hex', 'base64']).default('hex'),
  /** When set, the signed text is `<timestamp>.<body>` and the timestamp must be within `tolerance`. */
  timestampHeader: z.string().optional(),
  tolerance: duration().prefault('5m'),
});

/** HMAC-SHA256 of the raw body (or `<timestamp>.<body>`), in a header, as GitHub, Lagnis and many others sign. */
export function verify(cfg: z.output<typeof schema>, req: SignedRequest, now: number): Verdict {
  const presented = header(req, cfg.header)?.trim();
  if (!presented) return { ok: false, reason: `missing ${cfg.header} header` };
  if (!presented.startsWith(cfg.prefix)) return { ok: false, reason: `signature must start with "${cfg.prefix}"` };
  const hmac = createHmac('sha256', cfg.secret.reveal());
  if (cfg.timestampHeader) {
    const ts = header(req, cfg.timestampHeader)?.trim();
    const problem = checkTimestamp(ts, cfg.tolerance, now);
    if (problem) return { ok: false, reason: problem };
    hmac.update(`${ts}.`);
  }
  const expected = hmac.update(req.body).digest();
  const given = presented.slice(cfg.prefix.length);
  const valid = cfg.encoding === 'hex' ? /^[0-9a-fA-F]+$/.test(given) : /^[A-Za-z0-9+/]+=*$/.test(given);
  return valid && signatureEqual(Buffer.from(given, cfg.encoding), expected) ? { ok: true } : { ok: false, reason: 'signature does not match the body' };
}
