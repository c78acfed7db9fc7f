import type { Observation, RequestObservation } from '../correlate/observation.js';
import type { Signal } from '../correlate/signal.js';
import type { DetectContext, Detector } from './context.js';
import { principalLabel, principalsOf } from './principals.js';
import { FiringSet } from './signal.js';
import { LruMap, SlotWindow } from './structures.js';

export const name = 'scraping';
export const observes = ['request'] as const;

const MINUTE = 60_000;

/**
 * Most principals make a handful of requests: they get only this light count. Past a few dozen reads in the window a
 * principal gets a full Reader (window, users, resources), so memory and garbage go to the few that matter.
 */
interface Light {
  windowStart: number;
  count: number;
  lastId: number;
  run: number;
  reader?: Reader;
}

const UPGRADE_AT = 24;

interface Reader {
  requests: SlotWindow;
  /** Users seen on the principal (up to 3): an address many people share is not one reader. */
  users: Set<string>;
  resources: Map<string, number>;
  lastEvaluated: number;
}

/**
 * Scraping: one principal (an IP or a user) reading many distinct resources (≥ 300 requests on ≥ 150 resources
 * in 10 min), or any principal, /24 and ASN included, walking ids in sequence (a run of ≥ 50): the /24 and ASN
 * follow a scraper that rotates IPs after 429s. A declared crawler is still detected, then
 * recorded as allowed instead of raised, so the decision stays auditable.
 */
export function createDetector(ctx: DetectContext): Detector {
  const principals = new LruMap<string, Light>(100_000);
  const firing = new FiringSet(name, 'abuse', 5 * MINUTE);
  const allowed = new Set<string>();

  function crawlerOf(o: RequestObservation): string | undefined {
    return ctx.crawlers.find((c) => (o.asn !== undefined && c.asns.includes(o.asn)) || (c.userAgent && o.ua && c.userAgent.test(o.ua)))?.name;
  }

  function request(o: RequestObservation): Signal[] | undefined {
    if (o.method && o.method !== 'GET' && o.method !== 'HEAD') return undefined;
    if (o.status >= 500) return undefined;
    const cfg = ctx.config(o.service).scraping;
    const id = o.resource !== undefined && /^\d+$/.test(o.resource) ? Number(o.resource) : NaN;
    // A /24 or an ASN only matters for walks through numeric ids; everything else is judged per address and user.
    const keys: [string, string][] = Number.isFinite(id) ? principalsOf(o) : [['ip', `ip:${o.ip}`]];
    if (o.user) keys.push(['ip', `user:${o.user}`]);
    let out: Signal[] | undefined;
    for (const [kind, key] of keys) {
      let light = principals.get(key);
      if (!light || o.ts - light.windowStart > cfg.window) {
        const carried: Light = { windowStart: o.ts, count: 0, lastId: light?.lastId ?? -1, run: light?.run ?? 0, reader: light?.reader };
        light = carried;
        principals.set(key, light);
      }
      light.count++;
      if (Number.isFinite(id)) {
        light.run = id > light.lastId && id - light.lastId <= 3 ? light.run + 1 : 0;
        light.lastId = id;
      }
      if (!light.reader && light.count < UPGRADE_AT) continue;
      const r = (light.reader ??= { requests: new SlotWindow(MINUTE, Math.max(1, Math.round(cfg.window / MINUTE))), users: new Set(), resources: new Map(), lastEvaluated: 0 });
      r.requests.add(o.ts);
      if (o.user && r.users.size < 3) r.users.add(o.user);
      const resource = o.resource ?? o.route;
      if (r.resources.has(resource)) r.resources.delete(resource);
      else if (r.resources.size >= cfg.resources * 2) r.resources.delete(r.resources.keys().next().value!);
      r.resources.set(resource, o.ts);
      const requests = Math.max(r.requests.sum(o.ts), light.count);
      if (requests < Math.min(cfg.requests, cfg.sequential) || o.ts - r.lastEvaluated < 10_000) continue;
      r.lastEvaluated = o.ts;
      let distinct = 0;
      for (const [res, ts] of r.resources) {
        if (ts < o.ts - cfg.window) r.resources.delete(res);
        else distinct++;
      }
      const sequential = light.run >= cfg.sequential;
      const broad = requests >= cfg.requests && distinct >= cfg.resources;
      // A network or an ASN as a whole counts only when it walks ids in sequence: many people of one ISP reading
      // many different resources is a busy day, not a scraper.
      // Broad reading from an address several users share (an office behind NAT) is those users, not a scraper.
      if (!(sequential || (broad && kind === 'ip' && r.users.size < 3))) continue;
      const crawler = crawlerOf(o);
      if (crawler) {
        if (!allowed.has(key)) {
          allowed.add(key);
          ctx.note('scraping by an allowlisted crawler: not raised', { service: o.service, crawler, principal: key, requests, resources: distinct });
        }
        continue;
      }
      const what = sequential ? `walking ids in sequence (${light.run} in a row)` : `${distinct} distinct resources`;
      const sig = firing.fire(o.ts, o.service, key, 'attack.scraping', 'warning', `${o.service}: ${principalLabel(key)} made ${requests} reads in ${cfg.window / MINUTE} min, ${what}`, () => ({
        ips: kind === 'ip' && key.startsWith('ip:') ? [{ key: o.ip, count: requests }] : [],
        users: key.startsWith('user:') ? [{ key: o.user!, count: requests }] : [],
        asns: o.asn !== undefined ? [{ key: o.asn, count: requests }] : [],
        metrics: { requests, resources: distinct, sequentialRun: light.run },
      }));
      if (sig) (out ??= []).push(sig);
    }
    return out;
  }

  return {
    observe: (o: Observation) => (o.type === 'request' ? request(o) : undefined),
    tick(now) {
      const out: Signal[] = [];
      for (const key of [...firing.keys()]) {
        const light = principals.peek(key);
        if (!light?.reader || light.reader.requests.sum(now, 5 * MINUTE) < 10) {
          if (light) light.run = 0;
          const s = firing.resolve(now, key, 'attack.scraping', `${principalLabel(key)}: reading stopped`);
          if (s) out.push(s);
        }
      }
      return out;
    },
  };
}
