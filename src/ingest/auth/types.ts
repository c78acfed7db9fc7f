/** What a verifier sees of a webhook request. */
export interface SignedRequest {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export type Verdict =
  | { ok: true; /** The sender's id for this delivery (Standard Webhooks `webhook-id`), for replay detection. */ deliveryId?: string }
  | { ok: false; reason: string };

export function header(req: SignedRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** A timestamp header within ±tolerance of now, or the reason it is not. */
export function checkTimestamp(value: string | undefined, toleranceMs: number, now: number): string | undefined {
  if (!value) return 'missing timestamp';
  if (!/^\d+$/.test(value.trim())) return 'timestamp is not a number of seconds';
  const ts = Number(value) * 1000;
  if (Math.abs(now - ts) > toleranceMs) return `timestamp outside ±${Math.round(toleranceMs / 1000)} s`;
  return undefined;
}
