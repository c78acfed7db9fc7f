import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { duration } from '../../config/duration.js';
import { secret } from '../../config/secret.js';
import { signatureEqual } from '../../secure-compare.js';
import { checkTimestamp, header, type SignedRequest, type Verdict } from './types.js';

export const type = 'standard-webhooks';

export const schema = z.object({
  /** `whsec_` followed by the base64 key, as the sender shows it. */
  secret: secret(),
  tolerance: duration().prefault('5m'),
});

/** The key of a `whsec_…` secret; a secret without the prefix is used as text, as some senders document. */
export function signingKey(secretText: string): Buffer {
  return secretText.startsWith('whsec_') ? Buffer.from(secretText.slice(6), 'base64') : Buffer.from(secretText, 'utf8');
}

/** `v1,<base64>` of HMAC-SHA256 over `<id>.<timestamp>.<body>`, as the Standard Webhooks spec defines it. */
export function sign(key: Buffer, id: string, timestamp: string, body: Buffer | string): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64')}`;
}

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
