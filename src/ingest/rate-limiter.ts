/** A token bucket per key: `rate` requests per second with a burst of one second's worth. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** Takes a token, or returns the whole seconds until one is free. */
  take(key: string, rate: number, now: number): number | undefined {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: rate, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(rate, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rate));
  }
}
