/** Records which items ran, and how many ran in each turn of the event loop. */
export function turnRecorder<T = number>() {
  const seen: T[] = [];
  const perTurn: number[] = [];
  let inTurn = false;
  return {
    seen,
    perTurn,
    note(item: T) {
      if (!inTurn) {
        inTurn = true;
        perTurn.push(0);
        setImmediate(() => (inTurn = false));
      }
      perTurn[perTurn.length - 1]!++;
      seen.push(item);
    },
  };
}
