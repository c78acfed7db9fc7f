import type { Observation, RequestObservation } from '../correlate/observation.js';
import type { Signal } from '../correlate/signal.js';
import type { DetectContext, Detector } from './context.js';
import { FiringSet } from './signal.js';
import { SlotWindow } from './structures.js';

export const name = 'unusual-location';
export const observes = ['request'] as const;

const MINUTE = 60_000;

interface ServiceMix {
  knownAsns: Set<number>;
  total: SlotWindow;
  fromNewAsns: SlotWindow;
  learnedSince: number;
}

/**
 * Unusual locations. A successful login from a country or ASN never seen for that user (once the user has a few
 * logins of history), or from another country too soon after the last one (impossible travel, by country). And a
 * shift in a service's ASN mix: a large share of requests from networks never seen before. Low severity alone
 * (info: listed, never paged); joined to an attack incident it raises its severity.
 */
export function createDetector(ctx: DetectContext): Detector {
  const firing = new FiringSet(name, 'location', 30 * MINUTE);
  const mixes = new Map<string, ServiceMix>();

  function request(o: RequestObservation): Signal[] | undefined {
    const cfg = ctx.config(o.service).unusualLocation;
    // The list is made only for the rare request that raises or resolves something.
    let out: Signal[] | undefined;
    if (o.asn !== undefined) {
      let m = mixes.get(o.service);
      if (!m) mixes.set(o.service, (m = { knownAsns: new Set(), total: new SlotWindow(MINUTE, 15), fromNewAsns: new SlotWindow(MINUTE, 15), learnedSince: o.ts }));
      m.total.add(o.ts);
      if (!m.knownAsns.has(o.asn)) {
        m.fromNewAsns.add(o.ts);
        // Only ordinary traffic teaches the mix: failed logins and errors do not make a network familiar.
        if (o.status < 400 && o.auth !== 'failure' && m.knownAsns.size < 20_000) m.knownAsns.add(o.asn);
      }
      // A day of learning first; then a fifth of the last 15 minutes from unseen networks is a shift.
      const total = o.ts - m.learnedSince > 86_400_000 ? m.total.sum(o.ts) : 0;
      if (total >= 200) {
        const share = m.fromNewAsns.sum(o.ts) / total;
        const key = `mix:${o.service}`;
        if (share >= cfg.newAsnShare) {
          const s = raiseMix(o, key, share, total);
          if (s) (out ??= []).push(s);
        } else if (firing.isFiring(key) && share < cfg.newAsnShare / 2) {
          const r = firing.resolve(o.ts, key, 'attack.suspected', `${o.service}: network mix back to normal`);
          if (r) (out ??= []).push(r);
        }
      }
    }
    if (o.auth !== 'success' || !o.user) return out;
    const h = ctx.history.user(o.user);
    if (!h || h.logins < cfg.minHistory) return out;
    const reasons: string[] = [];
    if (o.country && !h.countries.includes(o.country)) reasons.push(`first login from ${o.country}`);
    else if (o.asn !== undefined && h.asns.length > 0 && !h.asns.includes(o.asn)) reasons.push(`first login from AS${o.asn}`);
    const last = h.lastLogin;
    if (o.country && last?.country && last.country !== o.country && o.ts - last.ts < cfg.travelWindow) {
      reasons.push(`${Math.round((o.ts - last.ts) / MINUTE)} min after a login from ${last.country}`);
    }
    if (reasons.length === 0) return out;
    const s = raiseLogin(o, o.user, reasons);
    if (s) (out ??= []).push(s);
    return out;
  }

  function raiseMix(o: RequestObservation, key: string, share: number, total: number): Signal | undefined {
    return firing.fire(o.ts, o.service, key, 'attack.suspected', 'info', `${o.service}: ${Math.round(share * 100)} % of requests from networks never seen before`, () => ({
      metrics: { newAsnShare: Math.round(share * 100) / 100, requests: total },
    }));
  }

  function raiseLogin(o: RequestObservation, user: string, reasons: string[]): Signal | undefined {
    return firing.fire(o.ts, o.service, `user:${user}`, 'attack.suspected', 'info', `${o.service}: login for ${user} from ${o.ip}: ${reasons.join(', ')}`, () => ({
      users: [{ key: user, count: 1 }],
      ips: [{ key: o.ip, count: 1 }],
      countries: o.country ? [{ key: o.country, count: 1 }] : [],
      asns: o.asn !== undefined ? [{ key: o.asn, count: 1 }] : [],
      metrics: { unusualLogins: 1 },
    }));
  }

  return {
    observe: (o: Observation) => (o.type === 'request' ? request(o) : undefined),
    // An unusual login is an event: recorded once, then done (a mix shift resolves on its own above).
    tick: (now) => firing.resolveEnded(now, 'attack.suspected', (key) => (key.startsWith('user:') ? `${key.slice(5)}: unusual login recorded` : undefined)),
  };
}
