/** The outcome of one send. A failure says whether trying again can help (Alertmanager's notifier contract). */
export type Delivery = { ok: true } | { ok: false; retryable: boolean; retryAfterMs?: number; reason: string };

export const delivered: Delivery = { ok: true };

export function retryable(reason: string, retryAfterMs?: number): Delivery {
  return retryAfterMs === undefined ? { ok: false, retryable: true, reason } : { ok: false, retryable: true, retryAfterMs, reason };
}

export function permanent(reason: string): Delivery {
  return { ok: false, retryable: false, reason };
}

/** HTTP statuses worth retrying: rate limits and server errors; other 4xx will not get better. */
export function httpDelivery(status: number, reason: string, retryAfterMs?: number): Delivery {
  if (status >= 200 && status < 300) return delivered;
  if (status === 429 || status === 408 || status >= 500) return retryable(reason, retryAfterMs);
  return permanent(reason);
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}
