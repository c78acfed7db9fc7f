import type { Observation, RequestObservation } from '../correlate/observation.js';
import type { Signal } from '../correlate/signal.js';
import type { DetectConfig } from './config.js';
import type { DetectContext, Detector } from './context.js';
import { FiringSet } from './signal.js';
import { LruMap, SlotWindow } from './structures.js';

export const name = 'brute-force';
export const observes = ['request'] as const;

const MINUTE = 60_000;

interface UserAttempts {
  window: SlotWindow;
  ips: Set<string>;
  ipsSince: number;
}

/**
 * Brute force on one account. From one IP, CrowdSec-style: 5 failures in 10 s, or 10 in 60 s. From many IPs:
 * ≥ 20 failures on the account from ≥ 3 IPs in 10 min.
 */
export function createDetector(ctx: DetectContext): Detector {
  const pairs = new LruMap<string, number[]>(100_000);
  const users = new LruMap<string, UserAttempts>(50_000);
  const firing = new FiringSet(name, 'auth', 5 * MINUTE);

  function request(o: RequestObservation): Signal[] | undefined {
    if (o.auth !== 'failure' || !o.user) return undefined;
    const cfg = ctx.config(o.service).bruteForce;
    const pairKey = `${o.user}\u0000${o.ip}`;
    const times = pairs.upsert(pairKey, attemptTimes);
    times.push(o.ts);
    if (times.length > cfg.sustainedCount) times.shift();
    const fromOneIp = lastWithin(times, o.ts, cfg.burstCount, cfg.burstWindow) || lastWithin(times, o.ts, cfg.sustainedCount, cfg.sustainedWindow);

    const u = users.upsert(o.user, userAttempts, cfg.distributedWindow, o.ts);
    if (o.ts - u.ipsSince > cfg.distributedWindow) {
      u.ips.clear();
      u.ipsSince = o.ts;
    }
    u.window.add(o.ts);
    if (u.ips.size < 64) u.ips.add(o.ip);
    const failures = u.window.sum(o.ts);
    const fromManyIps = failures >= cfg.distributedCount && u.ips.size >= cfg.distributedIps;
    if (!fromOneIp && !fromManyIps) return undefined;
    const sig = raise(o, o.user, cfg, times, u, failures, fromManyIps);
    return sig ? [sig] : undefined;
  }

  function raise(o: RequestObservation, user: string, cfg: DetectConfig['bruteForce'], times: number[], u: UserAttempts, failures: number, fromManyIps: boolean): Signal | undefined {
    const summary = fromManyIps
      ? `${o.service}: ${failures} failed logins on ${user} from ${u.ips.size} IPs in ${cfg.distributedWindow / MINUTE} min`
      : `${o.service}: repeated failed logins on ${user} from ${o.ip} (${times.length} in ${Math.round((o.ts - times[0]!) / 1000)} s)`;
    return firing.fire(o.ts, o.service, `user:${user}`, 'attack.brute_force', 'warning', summary, () => ({
      users: [{ key: user, count: failures }],
      ips: [...u.ips].slice(0, 10).map((ip) => ({ key: ip, count: ip === o.ip ? times.length : 1 })),
      metrics: { failures, ips: u.ips.size },
    }));
  }

  return {
    observe: (o: Observation) => (o.type === 'request' ? request(o) : undefined),
    tick: (now) =>
      firing.resolveEnded(now, 'attack.brute_force', (key) => {
        const u = users.peek(key.slice('user:'.length));
        return !u || u.window.sum(now, 5 * MINUTE) === 0 ? `${key.slice(5)}: no failed logins for 5 min` : undefined;
      }),
  };
}

/** Whether the last `count` of `times` (oldest first) fall within `span` of `ts`. */
function lastWithin(times: number[], ts: number, count: number, span: number): boolean {
  return times.length >= count && ts - times[times.length - count]! <= span;
}

const attemptTimes = (): number[] => [];

function userAttempts(windowMs: number, ts: number): UserAttempts {
  return { window: new SlotWindow(MINUTE, Math.max(1, Math.round(windowMs / MINUTE))), ips: new Set(), ipsSince: ts };
}
