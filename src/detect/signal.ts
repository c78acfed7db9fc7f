import type { IncidentClass, Severity } from '../correlate/classes.js';
import type { DetectorFamily, Evidence, Signal } from '../correlate/signal.js';

/**
 * Tracks which keys of a detector are firing, so each condition is announced when it starts, refreshed at most
 * once per `refreshMs` while it lasts, and resolved once.
 */
export class FiringSet {
  private readonly firing = new Map<string, { lastEmit: number; severity: Severity; service: string }>();

  constructor(
    private readonly detector: string,
    private readonly family: DetectorFamily,
    private readonly refreshMs = 60_000,
  ) {}

  isFiring(key: string): boolean {
    return this.firing.has(key);
  }

  get size(): number {
    return this.firing.size;
  }

  keys(): IterableIterator<string> {
    return this.firing.keys();
  }

  /**
   * A firing signal when the condition is new, stronger, or due for a refresh; otherwise undefined. A summary that
   * is costly to write can be given as a function, called only when the signal is sent.
   */
  fire(ts: number, service: string, key: string, cls: IncidentClass, severity: Severity, summary: string | (() => string), evidence: () => Evidence): Signal | undefined {
    const f = this.firing.get(key);
    if (f && f.severity === severity && ts - f.lastEmit < this.refreshMs) return undefined;
    this.firing.set(key, { lastEmit: ts, severity, service });
    const text = typeof summary === 'string' ? summary : summary();
    return { ts, service, detector: this.detector, family: this.family, class: cls, severity, state: 'firing', key, summary: text, evidence: evidence() };
  }

  resolve(ts: number, key: string, cls: IncidentClass, summary: string): Signal | undefined {
    const f = this.firing.get(key);
    if (!f) return undefined;
    this.firing.delete(key);
    return { ts, service: f.service, detector: this.detector, family: this.family, class: cls, severity: f.severity, state: 'resolved', key, summary, evidence: {} };
  }

  /**
   * Resolves every firing key whose condition has ended: `ended` returns the summary for a key that is over, or
   * undefined for one that still holds.
   */
  resolveEnded(now: number, cls: IncidentClass, ended: (key: string) => string | undefined): Signal[] {
    const out: Signal[] = [];
    for (const key of [...this.firing.keys()]) {
      const summary = ended(key);
      if (summary === undefined) continue;
      const s = this.resolve(now, key, cls, summary);
      if (s) out.push(s);
    }
    return out;
  }

  serviceOf(key: string): string | undefined {
    return this.firing.get(key)?.service;
  }
}
