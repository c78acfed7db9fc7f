import type { Observation, RequestObservation } from '../correlate/observation.js';
import type { Signal } from '../correlate/signal.js';
import type { DetectConfig } from './config.js';
import type { DetectContext, Detector } from './context.js';
import { PrincipalActivity } from './principal-activity.js';
import { principalLabel, principalsOf, type PrincipalKind } from './principals.js';
import { FiringSet } from './signal.js';
import { SparseMap } from './structures.js';

export const name = 'password-spray';
export const observes = ['request'] as const;

const MINUTE = 60_000;

/**
 * Password spraying: a few common passwords tried against many users, one or two tries each, paced slowly over
 * hours so no short window notices (MITRE ATT&CK T1110.003). Per IP, and for IPs never seen before per /24 and
 * ASN: ≥ 20 users in 6 h, ≤ 2 tries per user, nearly all attempts failing, at a pace below credential stuffing's.
 */
export function createDetector(ctx: DetectContext): Detector {
  const principals = new SparseMap<string, PrincipalActivity>(50_000);
  // Refreshed well inside the correlator's quiet period (10 min), so a slow spray keeps its incident open.
  const firing = new FiringSet(name, 'auth', 4 * MINUTE);

  function request(o: RequestObservation): Signal[] | undefined {
    if (o.auth === 'none') return undefined;
    const cfg = ctx.config(o.service);
    const spray = cfg.passwordSpray;
    const known = ctx.history.isKnownIp(o.ip, o.ts);
    let out: Signal[] | undefined;
    for (const [kind, key] of principalsOf(o)) {
      if (kind !== 'ip' && known) continue;
      if (o.auth === 'success') {
        principals.peek(key)?.succeed(o.ts);
        continue;
      }
      const p = principals.upsert(key, sprayActivity, spray.window);
      p.fail(o.ts, o.user);
      const attempts = p.failures.sum(o.ts);
      // Cheap gates first; the user count is read at most once a minute per principal.
      if (attempts < spray.users || o.ts - p.lastEvaluated < MINUTE) continue;
      p.lastEvaluated = o.ts;
      // A spray is paced: spread over at least 20 minutes, never more than a few tries a minute. Faster than that
      // it is credential stuffing — unless it is already known as a spray that merely sped up a little.
      if (o.ts - p.first < 20 * MINUTE || p.failures.sum(o.ts, MINUTE) > 5) continue;
      if (!firing.isFiring(key) && p.failures.sum(o.ts, cfg.credentialStuffing.window) >= cfg.credentialStuffing.attempts) continue;
      const { users, attempts: onUsers } = p.usersTried(o.ts);
      const failureShare = attempts / (attempts + p.successes.sum(o.ts));
      if (users < spray.users || onUsers / users > spray.triesPerUser || failureShare < spray.failureShare) continue;
      const sig = raise(o, kind, key, p, spray, { attempts, users, failureShare });
      if (sig) (out ??= []).push(sig);
    }
    return out;
  }

  function raise(o: RequestObservation, kind: PrincipalKind, key: string, p: PrincipalActivity, spray: DetectConfig['passwordSpray'], m: { attempts: number; users: number; failureShare: number }): Signal | undefined {
    const hours = spray.window / 3_600_000;
    return firing.fire(o.ts, o.service, key, 'attack.password_spray', 'warning', `${o.service}: ${m.attempts} failed logins spread over ${m.users} users from ${principalLabel(key)} in ${hours} h, ≤ ${spray.triesPerUser} tries each`, () => ({
      ips: kind === 'ip' ? [{ key: o.ip, count: m.attempts }] : [],
      users: p.userNames(10).map((u) => ({ key: u, count: 1 })),
      asns: o.asn !== undefined && kind === 'asn' ? [{ key: o.asn, count: m.attempts }] : [],
      metrics: { attempts: m.attempts, users: m.users, failureShare: Math.round(m.failureShare * 100) / 100 },
    }));
  }

  return {
    observe: (o: Observation) => (o.type === 'request' ? request(o) : undefined),
    // Quiet for an hour: the spray has moved on or stopped.
    tick: (now) =>
      firing.resolveEnded(now, 'attack.password_spray', (key) => {
        const p = principals.peek(key);
        return !p || p.failures.sum(now, 3_600_000) === 0 ? `${principalLabel(key)}: no more failed logins for an hour` : undefined;
      }),
  };
}

const sprayActivity = (windowMs: number) => new PrincipalActivity(windowMs, 24, 512);
