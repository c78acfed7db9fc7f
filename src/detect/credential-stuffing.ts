import type { Observation, RequestObservation } from '../correlate/observation.js';
import type { Signal } from '../correlate/signal.js';
import type { DetectConfig } from './config.js';
import type { DetectContext, Detector } from './context.js';
import { PrincipalActivity } from './principal-activity.js';
import { ipPrincipalOf, principalLabel, principalsOf, type PrincipalKind } from './principals.js';
import { FiringSet } from './signal.js';
import { Ewma, Hll, SlotWindow, SparseMap } from './structures.js';
import { TopK } from './top-k.js';

export const name = 'credential-stuffing';
export const observes = ['request'] as const;

const MINUTE = 60_000;

interface ServiceWindow {
  failures: SlotWindow;
  failuresFromNew: SlotWindow;
  successes: SlotWindow;
  users: Hll[];
  ips: Hll[];
  slotStart: number[];
  topIps: TopK<string>;
  topUsers: TopK<string>;
  topAsns: TopK<number>;
  /** The service's usual share of failed logins, learned while nothing fires. */
  failureRatio: Ewma;
  lastEvaluated: number;
}

/** Evaluations (30 s apart) before the learned failure ratio counts; until then an attack must fail most logins. */
const LEARNED_AFTER = 20;
const UNLEARNED_RATIO = 0.5;
/** A service that usually fails many logins still gets a reachable bar. */
const MAX_RATIO_BAR = 0.9;
/** Logins in the window below which the ratio says too little to learn from. */
const MIN_LOGINS_TO_LEARN = 20;
const RATIO_FLOOR = 0.01;

/**
 * Credential stuffing: failed logins against many distinct users with few tries each (after Elastic's rule: ≥ 25
 * attempts on ≥ 15 users with ≤ 2 tries per user in 15 min), per IP and, counting only IPs never seen before, per
 * /24 and ASN (a pool that keeps each IP under the limit). The distributed form is per service: many IPs, many
 * users, few tries each, mostly from new IPs, and a share of failed logins far above the service's usual one (a
 * busy login whose clients change addresses often is not an attack).
 */
export function createDetector(ctx: DetectContext): Detector {
  const principals = new SparseMap<string, PrincipalActivity>(50_000);
  const services = new Map<string, ServiceWindow>();
  const firing = new FiringSet(name, 'auth');

  const serviceWindow = (service: string): ServiceWindow => {
    let w = services.get(service);
    if (!w) {
      const slots = 15;
      w = {
        failures: new SlotWindow(MINUTE, slots),
        failuresFromNew: new SlotWindow(MINUTE, slots),
        successes: new SlotWindow(MINUTE, slots),
        users: Array.from({ length: slots }, () => new Hll()),
        ips: Array.from({ length: slots }, () => new Hll()),
        slotStart: new Array<number>(slots).fill(-1),
        topIps: new TopK(128),
        topUsers: new TopK(128),
        topAsns: new TopK(32),
        failureRatio: new Ewma(0.01),
        lastEvaluated: 0,
      };
      services.set(service, w);
    }
    return w;
  };

  function request(o: RequestObservation): Signal[] | undefined {
    if (o.auth === 'none') return undefined;
    const cfg = ctx.config(o.service).credentialStuffing;
    const known = ctx.history.isKnownIp(o.ip, o.ts);
    // While the service's own login probe fails, its usual clients failing is the outage, not an attack.
    if (known && ctx.loginProbeDown(o.service)) return undefined;
    const w = serviceWindow(o.service);
    if (o.auth === 'success') {
      w.successes.add(o.ts);
      principals.peek(ipPrincipalOf(o))?.succeed(o.ts);
      return undefined;
    }
    w.failures.add(o.ts);
    const slot = Math.floor(o.ts / MINUTE);
    const i = slot % w.slotStart.length;
    if (w.slotStart[i] !== slot) {
      w.slotStart[i] = slot;
      w.users[i] = new Hll();
      w.ips[i] = new Hll();
    }
    if (o.user) w.users[i]!.add(o.user);
    w.ips[i]!.add(o.ip);
    if (!known) {
      w.failuresFromNew.add(o.ts);
      w.topIps.add(o.ip);
      if (o.user) w.topUsers.add(o.user);
      if (o.asn !== undefined) w.topAsns.add(o.asn);
    }

    let out: Signal[] | undefined;
    for (const [kind, key] of principalsOf(o)) {
      // A /24 or an ASN counts only IPs never seen before: the usual clients of a big ISP are not an attack.
      if (kind !== 'ip' && known) continue;
      const p = principals.upsert(key, stuffingActivity, cfg.window);
      p.fail(o.ts, o.user);
      const attempts = p.failures.sum(o.ts);
      if (attempts < cfg.attempts) continue;
      const { users, attempts: onUsers } = p.usersTried(o.ts);
      if (users < cfg.users || onUsers / users > cfg.triesPerUser) continue;
      const sig = raise(o, kind, key, p, w, cfg, { attempts, users, onUsers });
      if (sig) (out ??= []).push(sig);
    }
    return out;
  }

  function raise(o: RequestObservation, kind: PrincipalKind, key: string, p: PrincipalActivity, w: ServiceWindow, cfg: DetectConfig['credentialStuffing'], m: { attempts: number; users: number; onUsers: number }): Signal | undefined {
    return firing.fire(o.ts, o.service, key, 'attack.credential_stuffing', 'warning', `${o.service}: ${m.attempts} failed logins on ${m.users} users from ${principalLabel(key)} in ${cfg.window / MINUTE} min`, () => ({
      ips: kind === 'ip' ? [{ key: o.ip, count: m.attempts }] : w.topIps.top(10),
      users: p.userNames(10).map((u) => ({ key: u, count: 1 })),
      asns: o.asn !== undefined ? [{ key: o.asn, count: m.attempts }] : [],
      metrics: { attempts: m.attempts, users: m.users, triesPerUser: Math.round((m.onUsers / m.users) * 100) / 100 },
    }));
  }

  /** Many users and IPs, few tries each, mostly from new IPs; undefined when the failures are not shaped so. */
  function attackShape(w: ServiceWindow, now: number, failures: number, cfg: DetectConfig['credentialStuffing']) {
    const users = new Hll();
    const ips = new Hll();
    const last = Math.floor(now / MINUTE);
    w.slotStart.forEach((start, i) => {
      if (start > last - w.slotStart.length) {
        users.merge(w.users[i]!);
        ips.merge(w.ips[i]!);
      }
    });
    const distinctUsers = users.count();
    const distinctIps = ips.count();
    const newShare = w.failuresFromNew.sum(now) / failures;
    const shaped =
      distinctUsers >= cfg.distributedUsers && distinctIps >= cfg.distributedIps && failures / distinctUsers <= cfg.distributedTriesPerUser && newShare >= cfg.newIpShare;
    return shaped ? { distinctUsers, distinctIps, newShare } : undefined;
  }

  function distributed(service: string, w: ServiceWindow, now: number): Signal | undefined {
    // Merging fifteen HyperLogLogs is the costly part; twice a minute is enough for a 15-minute window.
    if (now - w.lastEvaluated < 30_000) return undefined;
    w.lastEvaluated = now;
    const cfg = ctx.config(service).credentialStuffing;
    const failures = w.failures.sum(now);
    const successes = w.successes.sum(now);
    const ratio = failures / Math.max(1, failures + successes);
    const key = `service:${service}`;
    const usual = w.failureRatio.samples >= LEARNED_AFTER ? Math.max(RATIO_FLOOR, w.failureRatio.value) : undefined;
    const ratioBar = usual === undefined ? UNLEARNED_RATIO : Math.min(MAX_RATIO_BAR, cfg.distributedFailureFactor * usual);
    const shape = failures >= cfg.distributedAttempts && ratio >= ratioBar ? attackShape(w, now, failures, cfg) : undefined;
    if (!shape) {
      // What is not an attack teaches the service's usual share of failed logins.
      if (!firing.isFiring(key) && failures + successes >= MIN_LOGINS_TO_LEARN) w.failureRatio.update(ratio);
      return firing.isFiring(key) && failures < cfg.distributedAttempts / 2 ? firing.resolve(now, key, 'attack.credential_stuffing', `${service}: failed logins back to normal`) : undefined;
    }
    const { distinctUsers, distinctIps, newShare } = shape;
    return firing.fire(now, service, key, 'attack.credential_stuffing', 'critical', `${service}: ${failures} failed logins on ~${distinctUsers} users from ~${distinctIps} IPs in ${cfg.window / MINUTE} min, ${Math.round(newShare * 100)} % from IPs never seen before, ${Math.round(ratio * 100)} % of logins failing${usual === undefined ? '' : ` (usually ${Math.round(usual * 100)} %)`}`, () => ({
      ips: w.topIps.top(10),
      users: w.topUsers.top(10),
      asns: w.topAsns.top(5),
      metrics: { attempts: failures, users: distinctUsers, ips: distinctIps, newIpShare: Math.round(newShare * 100) / 100, successes, failureRatio: Math.round(ratio * 100) / 100 },
    }));
  }

  return {
    observe: (o: Observation) => (o.type === 'request' ? request(o) : undefined),
    snapshot: () => Object.fromEntries([...services.entries()].map(([svc, w]) => [svc, { failureRatio: w.failureRatio.toJSON() }])),
    restore(state) {
      for (const [svc, v] of Object.entries((state ?? {}) as Record<string, { failureRatio?: { value: number; samples: number } }>)) serviceWindow(svc).failureRatio.restore(v.failureRatio);
    },
    tick(now) {
      const out: Signal[] = [];
      for (const [service, w] of services) {
        const s = distributed(service, w, now);
        if (s) out.push(s);
      }
      out.push(
        ...firing.resolveEnded(now, 'attack.credential_stuffing', (key) => {
          if (key.startsWith('service:')) return undefined;
          const p = principals.peek(key);
          return !p || p.failures.sum(now) < ctx.config(firing.serviceOf(key) ?? '').credentialStuffing.attempts / 2 ? `${principalLabel(key)}: failed logins stopped` : undefined;
        }),
      );
      return out;
    },
  };
}

const stuffingActivity = (windowMs: number) => new PrincipalActivity(windowMs, 15, 64);
