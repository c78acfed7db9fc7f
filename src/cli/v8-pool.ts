/** Threads Node gives V8 for background work unless started with `--v8-pool-size`. */
const NODE_DEFAULT_POOL = 4;

/**
 * What to tell an operator whose picket runs V8's default pool on one core, or undefined. Node starts four
 * background threads (concurrent marking, parallel scavenges) whatever the machine; on one core they took turns with
 * the event loop, and with 10,000 checks the longest stall halved once the pool was sized to the core. Node reads the
 * size only when it starts, so picket can only say so.
 */
export function v8PoolAdvice(cores: number, execArgv: readonly string[], nodeOptions = ''): string | undefined {
  // Measured on one core only: with two, the longest stalls of alternating runs were the same either way.
  if (cores > 1) return undefined;
  const sized = [...execArgv, ...nodeOptions.split(/\s+/)].some((arg) => arg.startsWith('--v8-pool-size'));
  if (sized) return undefined;
  return (
    `V8 runs ${NODE_DEFAULT_POOL} background threads on 1 core, taking turns with the event loop: start picket with ` +
    'NODE_OPTIONS=--v8-pool-size=0 to size them to the cores (README: On a small machine)'
  );
}
