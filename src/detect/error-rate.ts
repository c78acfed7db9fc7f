import type { IncidentClass } from '../correlate/classes.js';
import type { Observation, RequestObservation } from '../correlate/observation.js';
import type { Signal } from '../correlate/signal.js';
import type { DetectContext, Detector } from './context.js';
import { FiringSet } from './signal.js';
import { Ewma, poissonTail, SlotWindow } from './structures.js';
import { TopK } from './top-k.js';

export const name = 'error-rate';
export const observes = ['request'] as const;

const ERROR_CLASSES = ['auth', 'throttle', 'server'] as const;
type ErrorClassName = (typeof ERROR_CLASSES)[number];
const LABEL: Record<ErrorClassName, string> = { auth: '401/403', throttle: '429', server: '5xx' };

function classOf(status: number): ErrorClassName | undefined {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'throttle';
  if (status >= 500) return 'server';
  return undefined;
}

const MINUTE = 60_000;
/** Minutes of traffic before the learned ratio is trusted. */
const WARMUP_MINUTES = 30;

interface ClassState {
  count: SlotWindow;
  fromNewIps: SlotWindow;
  baseline: Ewma;
  ips: TopK<string>;
  users: TopK<string>;
  statuses: Map<number, number>;
}

interface ServiceState {
  total: SlotWindow;
  classes: Record<ErrorClassName, ClassState>;
  lastMinute: number;
  minutes: number;
  lastEvaluated: number;
}

/** Windows of five minutes and more move little in a few seconds; looking twice a minute is plenty. */
const EVALUATE_EVERY_MS = 30_000;

/**
 * Error-rate spikes per service and class (401/403, 429, 5xx) by multi-window burn rate against the learned
 * normal ratio, as the Google SRE workbook pages on error budgets: both the 1 h and 5 min windows above 14.4×, or
 * both 6 h and 30 min above 6×. The normal ratio never counts as below 1 %, the short window needs 20 events, and a
 * Poisson test keeps low volume from paging on noise. A spike reads as an attack when it comes mostly from IPs
 * never seen before; as an outage when the probe's own login fails too, or the failures come from the usual
 * clients (an identity-provider failure).
 */
export function createDetector(ctx: DetectContext): Detector {
  const services = new Map<string, ServiceState>();
  const firing = new FiringSet(name, 'errors', 2 * MINUTE);

  const stateOf = (service: string): ServiceState => {
    let s = services.get(service);
    if (!s) {
      const cls = (): ClassState => ({ count: new SlotWindow(MINUTE, 361), fromNewIps: new SlotWindow(MINUTE, 31), baseline: new Ewma(1 / 1440), ips: new TopK(64), users: new TopK(64), statuses: new Map() });
      s = { total: new SlotWindow(MINUTE, 361), classes: { auth: cls(), throttle: cls(), server: cls() }, lastMinute: -1, minutes: 0, lastEvaluated: 0 };
      services.set(service, s);
    }
    return s;
  };

  function request(o: RequestObservation): void {
    const s = stateOf(o.service);
    const minute = Math.floor(o.ts / MINUTE);
    if (s.lastMinute >= 0 && minute > s.lastMinute) learn(o.service, s, s.lastMinute);
    if (minute > s.lastMinute) s.lastMinute = minute;
    s.total.add(o.ts);
    const c = classOf(o.status);
    if (!c) return;
    const st = s.classes[c];
    st.count.add(o.ts);
    if (!ctx.history.isKnownIp(o.ip, o.ts)) st.fromNewIps.add(o.ts);
    st.ips.add(o.ip);
    if (o.user) st.users.add(o.user);
    st.statuses.set(o.status, (st.statuses.get(o.status) ?? 0) + 1);
  }

  /**
   * At each minute boundary, the minute that ended teaches the normal ratio — unless that class is spiking or the
   * minute is significantly above normal (a Poisson test, so one typo in a quiet minute still counts as normal),
   * so a rise cannot teach itself to be normal before it pages.
   */
  function learn(service: string, s: ServiceState, minute: number): void {
    const ts = minute * MINUTE + MINUTE - 1;
    const total = s.total.sum(ts, MINUTE);
    if (total === 0) return;
    s.minutes++;
    const floor = ctx.config(service).errorRate.baselineFloor;
    for (const c of ERROR_CLASSES) {
      const st = s.classes[c];
      const count = st.count.sum(ts, MINUTE);
      const expected = Math.max(st.baseline.value, floor) * total;
      if (firing.isFiring(`${service}:${c}`) || (st.baseline.samples > 0 && poissonTail(count, expected) < 1e-3)) continue;
      st.baseline.update(count / total);
    }
  }

  function evaluate(service: string, s: ServiceState, now: number): Signal[] {
    const cfg = ctx.config(service).errorRate;
    const out: Signal[] = [];
    for (const c of ERROR_CLASSES) {
      const st = s.classes[c];
      const key = `${service}:${c}`;
      const base = Math.max(st.baseline.value, cfg.baselineFloor);
      const window = (span: number) => {
        const total = s.total.sum(now, span);
        const count = st.count.sum(now, span);
        return { total, count, burn: total === 0 ? 0 : count / total / base };
      };
      const significant = (w: { total: number; count: number }) => w.count >= cfg.minEvents && poissonTail(w.count, base * w.total) < cfg.significance;
      const pageShort = window(cfg.pageShort);
      const slowShort = window(cfg.slowShort);
      const page = s.minutes >= WARMUP_MINUTES && window(cfg.pageLong).burn >= cfg.pageBurn && pageShort.burn >= cfg.pageBurn && significant(pageShort);
      const slow = s.minutes >= WARMUP_MINUTES && window(cfg.slowLong).burn >= cfg.slowBurn && slowShort.burn >= cfg.slowBurn && significant(slowShort);
      if (!page && !slow) {
        // Resolved once the short window is back under the slow burn rate.
        if (firing.isFiring(key) && slowShort.burn < cfg.slowBurn) {
          const r = firing.resolve(now, key, 'degradation', `${service}: ${LABEL[c]} rate back to normal`);
          if (r) out.push(r);
          st.ips.clear();
          st.users.clear();
          st.statuses.clear();
        }
        continue;
      }
      const short = page ? pageShort : slowShort;
      // Who is failing, read over the same window that qualified: at the tail of an attack the last five minutes
      // alone would show only the usual clients.
      const span = Math.min(page ? cfg.pageShort : cfg.slowShort, 30 * MINUTE);
      const newIpShare = st.fromNewIps.sum(now, span) / Math.max(1, st.count.sum(now, span));
      const probeLoginDown = ctx.loginProbeDown(service);
      const ratio = short.count / Math.max(1, short.total);
      const cls = classify(c, newIpShare, probeLoginDown, ratio);
      const reading =
        cls === 'attack.suspected' ? 'mostly from IPs never seen before' : probeLoginDown ? "picket's own login probe fails too" : 'from the usual clients';
      const sig = firing.fire(
        now,
        service,
        key,
        cls,
        page ? 'critical' : 'warning',
        `${service}: ${LABEL[c]} at ${(ratio * 100).toFixed(1)} % of requests, ${(ratio / base).toFixed(1)}× normal, ${reading}`,
        () => ({
          ips: st.ips.top(10),
          users: st.users.top(10),
          statuses: Object.fromEntries([...st.statuses.entries()].map(([k, v]) => [String(k), v])),
          metrics: { ratio: round(ratio), baselineRatio: round(base), burn: round(ratio / base), events: short.count, requests: short.total, newIpShare: round(newIpShare) },
        }),
      );
      if (sig) out.push(sig);
    }
    return out;
  }

  return {
    observe(o: Observation) {
      if (o.type === 'request') request(o);
      return undefined;
    },
    tick(now) {
      const out: Signal[] = [];
      for (const [service, s] of services) {
        const minute = Math.floor(now / MINUTE);
        if (s.lastMinute >= 0 && minute > s.lastMinute) {
          learn(service, s, s.lastMinute);
          s.lastMinute = minute;
        }
        if (now - s.lastEvaluated < EVALUATE_EVERY_MS) continue;
        s.lastEvaluated = now;
        out.push(...evaluate(service, s, now));
      }
      return out;
    },
    snapshot: () => Object.fromEntries([...services.entries()].map(([svc, s]) => [svc, { minutes: s.minutes, baselines: Object.fromEntries(ERROR_CLASSES.map((c) => [c, s.classes[c].baseline.toJSON()])) }])),
    restore(state) {
      for (const [svc, v] of Object.entries((state ?? {}) as Record<string, { minutes: number; baselines: Record<ErrorClassName, { value: number; samples: number }> }>)) {
        const s = stateOf(svc);
        s.minutes = v.minutes;
        for (const c of ERROR_CLASSES) s.classes[c].baseline.restore(v.baselines[c]);
      }
    },
  };
}

/** What a spike of this class suggests, before the correlator weighs the rest. */
function classify(c: ErrorClassName, newIpShare: number, probeLoginDown: boolean, ratio: number): IncidentClass {
  if (newIpShare >= 0.5 && !probeLoginDown) return 'attack.suspected';
  if (c === 'auth') return 'outage';
  if (c === 'server' && ratio >= 0.5) return 'outage';
  return 'degradation';
}

const round = (n: number) => Math.round(n * 1000) / 1000;
