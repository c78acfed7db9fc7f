/** Lets timers and sockets run before long synchronous work goes on, so one big answer never stalls the server. */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** `items.map(fn)`, a few hundred items per turn of the event loop. */
export async function mapInTurns<T, R>(items: readonly T[], fn: (item: T) => R, perTurn = 250): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % perTurn === 0) await yieldToLoop();
    out.push(fn(items[i]!));
  }
  return out;
}
