import { z } from 'zod';
import { duration } from '../../config/duration.js';
import { secret } from '../../config/secret.js';
import { signatureEqual } from '../../secure-compare.js';
import { sign, signingKey } from '../../standard-webhooks.js';
import { checkTimestamp, header, type SignedRequest, type Verdict } from './types.js';

export const type = 'standard-webhooks';

export const schema = z.object({
  /** `whsec_` followed by the base64 key, as the sender shows it. */
  secret: secret(),
  tolerance: duration().prefault('5m'),
});

/**
 * Standard Webhooks: `webhook-id`, `webhook-timestamp` (±tolerance) and `webhook-signature`, which may list
 * several space-separated signatures (during key rotation); any v1 match passes.
 */
export function verify(cfg: z.output<typeof schema>, req: SignedRequest, now: number): Verdict {
  const id = header(req, 'webhook-id');
  const timestamp = header(req, 'webhook-timestamp')?.trim();
  const signatures = header(req, 'webhook-signature');
  if (!id || !signatures) return { ok: false, reason: 'missing webhook-id or webhook-signature header' };
  const problem = checkTimestamp(timestamp, cfg.tolerance, now);
  if (problem) return { ok: false, reason: problem };
  const expected = Buffer.from(sign(signingKey(cfg.secret.reveal()), id, timestamp!, req.body).slice(3), 'base64');
  let match = false;
  for (const candidate of signatures.split(/\s+/)) {
    if (candidate.startsWith('v1,') && signatureEqual(Buffer.from(candidate.slice(3), 'base64'), expected)) match = true;
  }
  return match ? { ok: true, deliveryId: id } : { ok: false, reason: 'no signature matches the body' };
}
