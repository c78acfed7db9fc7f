import * as basic from './basic.js';
import * as bearer from './bearer.js';
import * as hmacSha256 from './hmac-sha256.js';
import * as none from './none.js';
import * as standardWebhooks from './standard-webhooks.js';
import type { SignedRequest, Verdict } from './types.js';

/** Every way a webhook sender can prove who it is; a new one is one file here and one entry in this list. */
export const sourceAuthTypes = [bearer, basic, hmacSha256, standardWebhooks, none] as const;

type Verifier = (cfg: never, req: SignedRequest, now: number) => Verdict;

const byType = new Map<string, Verifier>(sourceAuthTypes.map((a) => [a.type, a.verify as Verifier]));

/** Verifies a request with the source's configured auth. */
export function verifySource(auth: { type: string }, req: SignedRequest, now: number): Verdict {
  return byType.get(auth.type)!(auth as never, req, now);
}
