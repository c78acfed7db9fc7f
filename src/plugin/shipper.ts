import type { TelemetryRecord } from '../telemetry-record.js';

export interface ShipperOptions {
  /** Sends one batch; throws (or rejects) on failure. */
  send: (records: TelemetryRecord[]) => Promise<void>;
  batchSize: number;
  flushIntervalMs: number;
  maxBuffer: number;
  onError: (err: unknown) => void;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * Buffers records and ships them in the background. It never blocks or throws into the host app: the buffer is
 * bounded (the oldest records are dropped and counted when picket is unreachable for long), and failed sends are
 * retried with exponential backoff.
 */
export class Shipper {
  private buffer: TelemetryRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> | null = null;
  private backoffMs = 0;
  private retryAt = 0;
  readonly stats = { sent: 0, dropped: 0, failedSends: 0 };

  constructor(private readonly opts: ShipperOptions) {
    this.timer = setInterval(() => void this.flush(), opts.flushIntervalMs);
    this.timer.unref();
  }

  get buffered(): number {
    return this.buffer.length;
  }

  push(record: TelemetryRecord): void {
    this.buffer.push(record);
    const excess = this.buffer.length - this.opts.maxBuffer;
    if (excess > 0) {
      this.buffer.splice(0, excess);
      this.stats.dropped += excess;
    }
    if (this.buffer.length >= this.opts.batchSize && !this.sending && Date.now() >= this.retryAt) setImmediate(() => void this.flush());
  }

  /** Sends what is buffered, one batch at a time; resolves when done or when a send fails. */
  flush(): Promise<void> {
    if (this.sending) return this.sending;
    if (this.buffer.length === 0 || Date.now() < this.retryAt) return Promise.resolve();
    this.sending = this.drain().finally(() => (this.sending = null));
    return this.sending;
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.opts.batchSize);
      try {
        await this.opts.send(batch);
        this.stats.sent += batch.length;
        this.backoffMs = 0;
        this.retryAt = 0;
      } catch (err) {
        this.stats.failedSends++;
        this.buffer = batch.concat(this.buffer);
        const excess = this.buffer.length - this.opts.maxBuffer;
        if (excess > 0) {
          this.buffer.splice(0, excess);
          this.stats.dropped += excess;
        }
        this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs === 0 ? 1_000 : this.backoffMs * 2);
        this.retryAt = Date.now() + this.backoffMs;
        try {
          this.opts.onError(err);
        } catch {
          // the host's error callback must not break shipping
        }
        return;
      }
    }
  }

  /** Sends what is left (one attempt) and stops the timer. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.retryAt = 0;
    await this.flush();
  }
}
