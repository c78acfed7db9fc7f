/** Lets timers and sockets run before long synchronous work goes on, so one big answer never stalls the server. */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** `items.map(fn)`, `perTurn` items per turn of the event loop. */
export async function mapInTurns<T, R>(items: readonly T[], fn: (item: T) => R, perTurn = 250): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % perTurn === 0) await yieldToLoop();
    out.push(fn(items[i]!));
  }
  return out;
}

/**
 * The text of `items`, `perTurn` items a part, each part after a turn of the event loop: a large answer (the check
 * list, /metrics) goes to the socket a part at a time instead of being built in one go. Parts after the first start
 * with `separator`, which also joins the items within a part.
 */
export async function* textInTurns<T>(items: readonly T[], text: (item: T) => string, perTurn: number, separator = ''): AsyncGenerator<string> {
  for (let i = 0; i < items.length; i += perTurn) {
    await yieldToLoop();
    yield (i > 0 ? separator : '') + items.slice(i, i + perTurn).map(text).join(separator);
  }
}

interface QueuedWork<T> {
  items: readonly T[];
  next: number;
  done(): void;
  failed(err: unknown): void;
}

/**
 * A turn of queued work ends once it has taken this long, whatever its count: the same items can take ten times as
 * long while their code is still cold (the first telemetry flood after start held one turn 77 ms for 250 records,
 * 3 ms once warm) or while the machine is busy.
 */
const TURN_MS = 8;

/**
 * Work handed in by many callers, done in the order it arrived, at most `perTurn` items and about `turnMs` per turn of
 * the event loop in all. Each caller yielding on its own would not do: eight requests in flight would each run their
 * share in the same turn, and the turn would be eight times as long.
 */
export class TurnQueue<T> {
  private readonly queue: QueuedWork<T>[] = [];
  private scheduled = false;
  private readonly perTurn: number;
  private readonly turnMs: number;

  constructor(
    private readonly fn: (item: T) => void,
    opts: { perTurn?: number; turnMs?: number } = {},
  ) {
    this.perTurn = opts.perTurn ?? 250;
    this.turnMs = opts.turnMs ?? TURN_MS;
  }

  /** Resolves once `fn` has been called on every item; rejects with the first error `fn` throws on them. */
  run(items: readonly T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise((done, failed) => {
      this.queue.push({ items, next: 0, done, failed });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.turn());
  }

  private turn(): void {
    this.scheduled = false;
    const until = performance.now() + this.turnMs;
    let budget = this.perTurn;
    while (budget > 0 && this.queue.length > 0) {
      const work = this.queue[0]!;
      try {
        while (budget > 0 && work.next < work.items.length) {
          this.fn(work.items[work.next++]!);
          budget = performance.now() < until ? budget - 1 : 0;
        }
      } catch (err) {
        this.queue.shift();
        work.failed(err);
        continue;
      }
      if (work.next === work.items.length) {
        this.queue.shift();
        work.done();
      }
    }
    if (this.queue.length > 0) this.schedule();
  }
}

/**
 * Synchronous jobs handed in by many callers, one per turn of the event loop, in the order they came: requests whose
 * bodies arrive together would otherwise each do their whole job (parsing a thousand records, say) in the same turn.
 */
export class OnePerTurn {
  private readonly jobs = new TurnQueue<() => void>((job) => job(), { perTurn: 1 });

  /** Resolves with what `job` returns, or rejects with what it throws. */
  async run<R>(job: () => R): Promise<R> {
    let result: R | undefined;
    await this.jobs.run([() => (result = job())]);
    return result as R;
  }
}
