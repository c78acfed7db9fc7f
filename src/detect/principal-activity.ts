import { SlotWindow } from './structures.js';

/**
 * Login activity of one principal (an IP, a /24, an ASN) over a sliding window: failed attempts, successes and
 * the users tried. Users are kept up to a cap, which is always above any threshold that reads them.
 */
export class PrincipalActivity {
  readonly failures: SlotWindow;
  readonly successes: SlotWindow;
  private readonly users = new Map<string, { tries: number; last: number }>();
  lastEvaluated = 0;
  /** When the current stretch of failures began (reset after a window without any). */
  first = 0;

  constructor(
    readonly windowMs: number,
    slots: number,
    private readonly maxUsers = 256,
  ) {
    this.failures = new SlotWindow(windowMs / slots, slots);
    this.successes = new SlotWindow(windowMs / slots, slots);
  }

  fail(ts: number, user: string | undefined): void {
    if (this.failures.sum(ts) === 0) this.first = ts;
    this.failures.add(ts);
    if (!user) return;
    const u = this.users.get(user);
    if (u) {
      u.tries++;
      u.last = ts;
      this.users.delete(user);
      this.users.set(user, u);
      return;
    }
    if (this.users.size >= this.maxUsers) this.users.delete(this.users.keys().next().value!);
    this.users.set(user, { tries: 1, last: ts });
  }

  succeed(ts: number): void {
    this.successes.add(ts);
  }

  /** Distinct users tried within the window, and the attempts on them. */
  usersTried(now: number): { users: number; attempts: number } {
    const from = now - this.windowMs;
    let users = 0;
    let attempts = 0;
    for (const [user, u] of this.users) {
      if (u.last < from) {
        this.users.delete(user);
        continue;
      }
      users++;
      attempts += u.tries;
    }
    return { users, attempts };
  }

  userNames(n: number): string[] {
    return [...this.users.keys()].slice(-n).reverse();
  }
}
