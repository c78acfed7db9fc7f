/** Lets timers and sockets run before long synchronous work goes on, so one big answer never stalls the server. */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Calls `fn` on every item, `perTurn` items per turn of the event loop. */
export async function eachInTurns<T>(items: readonly T[], fn: (item: T) => void, perTurn = 250): Promise<void> {
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % perTurn === 0) await yieldToLoop();
    fn(items[i]!);
  }
}

/** `items.map(fn)`, `perTurn` items per turn of the event loop. */
export async function mapInTurns<T, R>(items: readonly T[], fn: (item: T) => R, perTurn = 250): Promise<R[]> {
  const out: R[] = [];
  await eachInTurns(items, (item) => out.push(fn(item)), perTurn);
  return out;
}
