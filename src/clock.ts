/** Where picket's time comes from; detectors, correlator and escalation take one so tests can run a week in seconds. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told: for tests and `picket replay`. */
export class VirtualClock implements Clock {
  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  set(ms: number): void {
    if (ms > this.current) this.current = ms;
  }

  advance(ms: number): number {
    this.current += ms;
    return this.current;
  }
}
