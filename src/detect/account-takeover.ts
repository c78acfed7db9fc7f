import type { Observation, RequestObservation } from '../correlate/observation.js';
import type { Signal } from '../correlate/signal.js';
import type { DetectConfig } from './config.js';
import type { DetectContext, Detector } from './context.js';
import { FiringSet } from './signal.js';
import { SparseMap } from './structures.js';

export const name = 'account-takeover';
export const observes = ['request'] as const;

interface Failures {
  /** Distinct IPs never seen before that failed on this user, with when. */
  ips: Map<string, number>;
}

/**
 * Account takeover: a successful login, from an IP never seen before, for a user under attack within the last
 * 3 h — either the IP had failed on other users and never got in as them (it found working credentials), or the
 * user had failures from several unknown IPs and logs in from a network never seen for them nor for the
 * service's usual clients. It raises the severity of the attack incident it joins.
 */
export function createDetector(ctx: DetectContext): Detector {
  const byUser = new SparseMap<string, Failures>(100_000);
  /** Per address, the users it failed on and has not since logged in as (a typo followed by success is resolved). */
  const byIp = new SparseMap<string, Map<string, number>>(100_000);
  const firing = new FiringSet(name, 'takeover', 10 * 60_000);

  function request(o: RequestObservation): Signal[] | undefined {
    if (o.auth === 'none' || !o.user) return undefined;
    const cfg = ctx.config(o.service).accountTakeover;
    const since = o.ts - cfg.window;
    // A user who mistyped and then got in from the same address (an office NAT, a phone) was never attacked.
    if (o.auth === 'success') byIp.peek(o.ip)?.delete(o.user);
    if (ctx.history.isKnownIp(o.ip, o.ts)) return undefined;
    if (o.auth === 'failure') {
      const u = byUser.upsert(o.user, () => ({ ips: new Map() }));
      if (u.ips.size < 16) u.ips.set(o.ip, o.ts);
      const ip = byIp.upsert(o.ip, () => new Map());
      if (ip.size < 32) ip.set(o.user, o.ts);
      return undefined;
    }
    const otherUsers = countSince(byIp.peek(o.ip), since, o.user);
    const userIps = countSince(byUser.peek(o.user)?.ips, since);
    // A user under attack who then logs in from a new address of their usual network is the user, not the attacker.
    const h = ctx.history.user(o.user);
    const usualPlace =
      (h !== undefined && ((o.asn !== undefined && h.asns.includes(o.asn)) || (o.country !== undefined && h.countries.includes(o.country)))) ||
      (o.asn !== undefined && ctx.history.isKnownAsn(o.asn));
    if (otherUsers < cfg.attackerFailures && (userIps < 2 || usualPlace)) return undefined;
    const sig = raise(o, o.user, cfg, otherUsers, userIps);
    return sig ? [sig] : undefined;
  }

  function raise(o: RequestObservation, user: string, cfg: DetectConfig['accountTakeover'], otherUsers: number, userIps: number): Signal | undefined {
    const why = otherUsers >= cfg.attackerFailures ? `${o.ip} had failed on ${otherUsers} other users` : `${user} had failed logins from ${userIps} unknown IPs`;
    return firing.fire(o.ts, o.service, `user:${user}`, 'attack.suspected', 'critical', `${o.service}: successful login for ${user} from ${o.ip} after an attack (${why})`, () => ({
      users: [{ key: user, count: 1 }],
      ips: [{ key: o.ip, count: otherUsers + 1 }],
      countries: o.country ? [{ key: o.country, count: 1 }] : [],
      metrics: { takeovers: 1, attackerFailures: otherUsers, unknownIps: userIps },
    }));
  }

  return {
    observe: (o: Observation) => (o.type === 'request' ? request(o) : undefined),
    // A takeover is an event: recorded once, then done.
    tick: (now) => firing.resolveEnded(now, 'attack.suspected', (key) => `${key.slice(5)}: takeover recorded`),
  };
}

/** Entries of `lastSeen` (key → time) at or after `since`, leaving out the key `except`. */
function countSince(lastSeen: Map<string, number> | undefined, since: number, except?: string): number {
  let n = 0;
  if (lastSeen) for (const [key, ts] of lastSeen) if (ts >= since && key !== except) n++;
  return n;
}
