const NONE = Symbol('none');

/**
 * `compute` with its last answer kept. Several detectors ask about the same request in turn (its service's config,
 * its principal keys, the hash of its user), and telemetry comes in runs of one route, so the answer is computed
 * once for all of them.
 */
export function keepingLast<K, V>(compute: (key: K) => V): (key: K) => V {
  let lastKey: K | typeof NONE = NONE;
  let last: V;
  return (key) => {
    if (key !== lastKey) {
      last = compute(key);
      lastKey = key;
    }
    return last;
  };
}
