import type { Observation, RequestObservation } from '../correlate/observation.js';
import type { Signal } from '../correlate/signal.js';
import { digitsValue } from '../telemetry-record.js';
import type { DetectContext, Detector } from './context.js';
import type { DetectConfig } from './config.js';
import { netOf, principalLabel } from './principals.js';
import { FiringSet } from './signal.js';
import { BusyKeys, SlotWindow } from './structures.js';

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
/** Reads in about two minutes before a principal is tracked at all (a scraper at 300 reads in 10 min passes). */
const BUSY = 10;

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
type Kind = 'ip' | 'user' | 'net' | 'asn';

export function createDetector(ctx: DetectContext): Detector {
  // One map per kind, keyed by the raw value: no key strings are built per request. Most principals read a few
  // pages a minute and never need an entry: only the busy ones get past the count.
  const maps = {
    ip: new BusyKeys<string, Light>(MINUTE, 100_000),
    user: new BusyKeys<string, Light>(MINUTE, 50_000),
    net: new BusyKeys<string, Light>(MINUTE, 20_000),
    asn: new BusyKeys<number, Light>(MINUTE, 5_000),
  };
  const firing = new FiringSet(name, 'abuse', 5 * MINUTE);
  const allowed = new Set<string>();

  function crawlerOf(o: RequestObservation): string | undefined {
    return ctx.crawlers.find((c) => (o.asn !== undefined && c.asns.includes(o.asn)) || (c.userAgent && o.ua && c.userAgent.test(o.ua)))?.name;
  }

  function visit(kind: Kind, value: string | number, o: RequestObservation, id: number, cfg: DetectConfig['scraping']): Signal | undefined {
    const map = maps[kind] as BusyKeys<string | number, Light>;
    if (map.count(value, o.ts) < BUSY && !map.peek(value)) return undefined;
    let light = map.get(value);
    if (!light || o.ts - light.windowStart > cfg.window) {
      light = { windowStart: o.ts, count: 0, lastId: light?.lastId ?? -1, run: light?.run ?? 0, reader: light?.reader };
      map.set(value, light);
    }
    light.count++;
    if (Number.isFinite(id)) {
      light.run = id > light.lastId && id - light.lastId <= 3 ? light.run + 1 : 0;
      light.lastId = id;
    }
    if (!light.reader && light.count < UPGRADE_AT) return undefined;
    // A network or an ASN as a whole counts only when it walks ids in sequence: many people of one ISP reading many
    // different resources is a busy day, not a scraper. So only an IP or a user keeps the resources it read.
    const broadCounts = kind === 'ip' || kind === 'user';
    const r = (light.reader ??= { requests: new SlotWindow(MINUTE, Math.max(1, Math.round(cfg.window / MINUTE))), users: new Set(), resources: new Map(), lastEvaluated: 0 });
    r.requests.add(o.ts);
    if (broadCounts) {
      if (o.user && r.users.size < 3) r.users.add(o.user);
      const resource = o.resource ?? o.route;
      if (r.resources.has(resource)) r.resources.delete(resource);
      else if (r.resources.size >= cfg.resources * 2) r.resources.delete(r.resources.keys().next().value!);
      r.resources.set(resource, o.ts);
    }
    const requests = Math.max(r.requests.sum(o.ts), light.count);
    if (requests < Math.min(cfg.requests, cfg.sequential) || o.ts - r.lastEvaluated < 10_000) return undefined;
    r.lastEvaluated = o.ts;
    let distinct = 0;
    for (const [res, ts] of r.resources) {
      if (ts < o.ts - cfg.window) r.resources.delete(res);
      else distinct++;
    }
    const sequential = light.run >= cfg.sequential;
    // Broad reading from an address several users share (an office behind NAT) is those users, not a scraper.
    const broad = broadCounts && requests >= cfg.requests && distinct >= cfg.resources && r.users.size < 3;
    if (!(sequential || broad)) return undefined;
    return raise(kind, value, o, light, cfg, { requests, distinct, sequential });
  }

  function raise(kind: Kind, value: string | number, o: RequestObservation, light: Light, cfg: DetectConfig['scraping'], m: { requests: number; distinct: number; sequential: boolean }): Signal | undefined {
    const key = `${kind}:${value}`;
    const crawler = crawlerOf(o);
    if (crawler) {
      if (!allowed.has(key)) {
        allowed.add(key);
        ctx.note('scraping by an allowlisted crawler: not raised', { service: o.service, crawler, principal: key, requests: m.requests, resources: m.distinct });
      }
      return undefined;
    }
    const what = m.sequential ? `walking ids in sequence (${light.run} in a row)` : `${m.distinct} distinct resources`;
    return firing.fire(o.ts, o.service, key, 'attack.scraping', 'warning', `${o.service}: ${principalLabel(key)} made ${m.requests} reads in ${cfg.window / MINUTE} min, ${what}`, () => ({
      ips: kind === 'ip' ? [{ key: o.ip, count: m.requests }] : [],
      users: kind === 'user' ? [{ key: o.user!, count: m.requests }] : [],
      asns: o.asn !== undefined ? [{ key: o.asn, count: m.requests }] : [],
      metrics: { requests: m.requests, resources: m.distinct, sequentialRun: light.run },
    }));
  }

  function request(o: RequestObservation): Signal[] | undefined {
    if (o.method && o.method !== 'GET' && o.method !== 'HEAD') return undefined;
    if (o.status >= 500) return undefined;
    const cfg = ctx.config(o.service).scraping;
    const id = o.resource !== undefined ? digitsValue(o.resource) : NaN;
    let out = keep(undefined, visit('ip', o.ip, o, id, cfg));
    if (o.user) out = keep(out, visit('user', o.user, o, id, cfg));
    // A /24 or an ASN follows a scraper that rotates addresses: only new addresses walking numeric ids count there.
    if (Number.isFinite(id) && !ctx.history.isKnownIp(o.ip, o.ts)) {
      out = keep(out, visit('net', netOf(o.ip), o, id, cfg));
      if (o.asn !== undefined) out = keep(out, visit('asn', o.asn, o, id, cfg));
    }
    return out;
  }

  /** `out` with `s` added, allocating the list only for the rare request that raises a signal. */
  function keep(out: Signal[] | undefined, s: Signal | undefined): Signal[] | undefined {
    if (s) (out ??= []).push(s);
    return out;
  }

  return {
    observe: (o: Observation) => (o.type === 'request' ? request(o) : undefined),
    tick: (now) =>
      firing.resolveEnded(now, 'attack.scraping', (key) => {
        const colon = key.indexOf(':');
        const kind = key.slice(0, colon) as Kind;
        const raw = key.slice(colon + 1);
        const light = (maps[kind] as BusyKeys<string | number, Light>).peek(kind === 'asn' ? Number(raw) : raw);
        if (light?.reader && light.reader.requests.sum(now, 5 * MINUTE) >= 10) return undefined;
        if (light) light.run = 0;
        return `${principalLabel(key)}: reading stopped`;
      }),
  };
}
