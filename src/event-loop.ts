/** Lets timers and sockets run before long synchronous work goes on, so one big answer never stalls the server. */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
