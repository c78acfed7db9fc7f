/** A promise while writes should wait (the store's checkpointer catching up), otherwise undefined. */
export type WriteGate = () => Promise<void> | undefined;

export interface BatchWriterOptions<T, R> {
  /**
   * Writes one batch; runs as one transaction, so a batch is committed whole or not at all. May return one result
   * per item (an assigned id), which `write` resolves with.
   */
  flush: (items: T[]) => R[] | void;
  /** Flush as soon as this many items wait. */
  maxItems?: number;
  /**
   * Flush at most this long after the first item of a batch arrived. 0 flushes at the end of the current turn
   * of the event loop: everything that arrived in that turn shares the commit, and nobody waits on a timer.
   */
  maxDelayMs?: number;
  /**
   * Items queued with `push` that failed to commit are kept and retried, up to this many (the oldest are
   * dropped and counted beyond it), so a store outage costs memory within a bound instead of data at once.
   */
  maxRetained?: number;
  /** Pause before retrying after a failed commit (default 1 s). */
  retryDelayMs?: number;
  onError?: (err: unknown, batchSize: number) => void;
  /** Batches wait while it holds; items keep queueing meanwhile. `flushNow` and `close` do not wait. */
  gate?: WriteGate;
}

interface Entry<T, R> {
  item: T;
  done?: { resolve: (result: R) => void; reject: (err: unknown) => void };
}

/**
 * Groups writes into transactions: one commit per ~250 ms or ~500 rows instead of one per row, so the event
 * loop is never held for long and SQLite is not asked for thousands of fsyncs.
 */
export class BatchWriter<T, R = void> {
  private queue: Entry<T, R>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private waitingForGate = false;
  private closed = false;
  private readonly maxItems: number;
  private readonly maxDelayMs: number;
  private readonly maxRetained: number;
  readonly stats = { flushes: 0, items: 0, failures: 0, dropped: 0 };

  constructor(private readonly opts: BatchWriterOptions<T, R>) {
    this.maxItems = opts.maxItems ?? 500;
    this.maxDelayMs = opts.maxDelayMs ?? 250;
    this.maxRetained = opts.maxRetained ?? 100_000;
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Queues an item; resolves once it is committed, rejects if its batch fails (the caller answers 503). */
  write(item: T): Promise<R> {
    return new Promise((resolve, reject) => this.enqueue({ item, done: { resolve, reject } }));
  }

  /** Queues an item without waiting; a failed batch keeps it for the next attempt. */
  push(item: T): void {
    this.enqueue({ item });
  }

  /** Commits everything queued now, synchronously, in batches of maxItems. Throws if a commit fails. */
  flushNow(): void {
    this.clearTimers();
    while (this.queue.length > 0) this.flushBatch();
  }

  private flushBatch(): void {
    const batch = this.queue.splice(0, this.maxItems);
    let results: R[] | void;
    try {
      results = this.opts.flush(batch.map((e) => e.item));
    } catch (err) {
      this.stats.failures++;
      const failed = batch.length > 1 ? this.isolate(batch) : batch;
      if (failed.length === 0) return;
      for (const e of failed) e.done?.reject(err);
      // Kept for the next attempt only when nothing could be written (the store is down, not one bad item).
      const retained = failed.length === batch.length ? failed.filter((e) => !e.done) : [];
      this.stats.dropped += failed.filter((e) => !e.done).length - retained.length;
      this.queue = retained.concat(this.queue);
      const excess = this.queue.length - this.maxRetained;
      if (excess > 0) {
        this.queue.splice(0, excess);
        this.stats.dropped += excess;
      }
      // Retry after a pause, not at once: a store that just failed (full disk, read-only file) needs time.
      if (this.queue.length > 0 && !this.closed && !this.timer) this.timer = setTimeout(() => this.flushQuietly(), this.opts.retryDelayMs ?? 1_000);
      throw err;
    }
    this.stats.flushes++;
    this.stats.items += batch.length;
    batch.forEach((e, i) => e.done?.resolve((results ? results[i] : undefined) as R));
  }

  /**
   * After a failed batch, writes its items one by one, so one item the store refuses (a value it cannot take)
   * does not fail the others that shared its transaction. Returns the items that failed on their own.
   */
  private isolate(batch: Entry<T, R>[]): Entry<T, R>[] {
    const failed: Entry<T, R>[] = [];
    for (const e of batch) {
      try {
        const results = this.opts.flush([e.item]);
        this.stats.items++;
        e.done?.resolve((results ? results[0] : undefined) as R);
      } catch {
        failed.push(e);
      }
    }
    if (failed.length < batch.length) this.stats.flushes++;
    return failed;
  }

  /** Flushes what is queued and stops; later writes are refused. */
  close(): void {
    this.closed = true;
    try {
      this.flushNow();
    } finally {
      this.clearTimers();
    }
  }

  private enqueue(entry: Entry<T, R>): void {
    if (this.closed) {
      const err = new Error('writer is closed');
      if (entry.done) entry.done.reject(err);
      return;
    }
    this.queue.push(entry);
    if (this.queue.length >= this.maxItems) {
      if (!this.immediate) this.immediate = setImmediate(() => this.flushQuietly());
    } else {
      this.armTimer();
    }
  }

  private armTimer(): void {
    if (this.maxDelayMs === 0) {
      if (!this.immediate) this.immediate = setImmediate(() => this.flushQuietly());
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flushQuietly(), this.maxDelayMs);
    }
  }

  /** One batch per turn of the event loop, so a long queue never holds the loop for long. */
  private flushQuietly(): void {
    this.clearTimers();
    if (this.queue.length === 0 || this.waitingForGate) return;
    const held = this.opts.gate?.();
    if (held) {
      this.waitingForGate = true;
      void held.then(() => {
        this.waitingForGate = false;
        this.flushQuietly();
      });
      return;
    }
    try {
      this.flushBatch();
    } catch (err) {
      this.opts.onError?.(err, this.queue.length);
      return;
    }
    if (this.queue.length >= this.maxItems) this.immediate = setImmediate(() => this.flushQuietly());
    else if (this.queue.length > 0) this.armTimer();
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }
}
