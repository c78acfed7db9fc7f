import type { Prng } from './prng.js';
import { ipIn, NETWORKS, type SimUser, type World } from './world.js';

/** A line of the simulated NDJSON file: a telemetry record, a probe run or a webhook. */
export type SimRecord = Record<string, unknown> & { ts: number };

export type Emit = (r: SimRecord) => void;

const MINUTE = 60_000;
const HOUR = 3_600_000;

const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
];

/** What the world is like at a moment: lets outages and floods change what benign clients experience. */
export interface Conditions {
  /** The identity provider refuses every login (401 for everyone, the probe included). */
  loginBroken(t: number): boolean;
  /** A service that answers 503 to everything. */
  serviceDown(service: 'orders' | 'catalog' | 'auth', t: number): boolean;
  /** Latency multiplier and share of 503s under load. */
  strain(service: 'catalog', t: number): { latency: number; errors: number };
  /** Extra benign sessions (a marketing campaign). */
  sessionFactor(t: number): number;
}

export const CALM: Conditions = {
  loginBroken: () => false,
  serviceDown: () => false,
  strain: () => ({ latency: 1, errors: 0 }),
  sessionFactor: () => 1,
};

/** Daily cycle: a trough at 04:00 UTC, a peak at 16:00 (5× the trough), weekends at 60 %. */
export function diurnal(t: number): number {
  const d = new Date(t);
  const hour = d.getUTCHours() + d.getUTCMinutes() / 60;
  const day = 0.2 + 0.8 * (0.5 - 0.5 * Math.cos((2 * Math.PI * (hour - 4)) / 24));
  const weekday = d.getUTCDay();
  return weekday === 0 || weekday === 6 ? day * 0.6 : day;
}

function request(rng: Prng, base: { ts: number; ip: string; country: string; asn: number; ua: string; user?: string }, method: string, route: string, path: string | undefined, status: number, latency: number, bytes: number): SimRecord {
  const r: SimRecord = { ts: Math.round(base.ts), method, route, status, latencyMs: Math.round(latency * (0.8 + 0.4 * rng.next())), ip: base.ip, auth: 'none', bytesOut: bytes, ua: base.ua, country: base.country, asn: base.asn };
  if (path) r.path = path;
  if (base.user) r.user = base.user;
  return r;
}

/** One user's visit: log in (a typo now and then), then a few reads and maybe an order. */
function session(world: World, rng: Prng, user: SimUser, start: number, env: Conditions, emit: Emit): void {
  const d = new Date(start);
  const atOffice = user.office && d.getUTCDay() >= 1 && d.getUTCDay() <= 5 && d.getUTCHours() >= 7 && d.getUTCHours() < 17;
  const ip = atOffice ? world.officeIp : rng.pick(user.ips);
  const net = atOffice ? NETWORKS.office! : user.home;
  const who = { ts: start, ip, country: net.country, asn: net.asn, ua: rng.pick(BROWSERS), user: user.name };
  let t = start;
  const login = (ok: boolean) => {
    const broken = env.loginBroken(t) || env.serviceDown('auth', t);
    const status = broken ? (env.serviceDown('auth', t) ? 503 : 401) : ok ? 200 : 401;
    const r = request(rng, { ...who, ts: t }, 'POST', '/auth/login', undefined, status, 110, status === 200 ? 450 : 120);
    r.auth = status === 200 ? 'success' : status === 401 ? 'failure' : 'none';
    emit(r);
    return status === 200;
  };
  let loggedIn = false;
  if (rng.chance(0.03)) {
    login(false);
    t += rng.int(5_000, 20_000);
  }
  for (let attempt = 0; attempt < 3 && !loggedIn; attempt++) {
    loggedIn = login(true);
    if (!loggedIn) t += rng.int(15_000, 60_000);
  }
  if (!loggedIn) return;
  const steps = rng.int(2, 8);
  for (let i = 0; i < steps; i++) {
    t += rng.int(3_000, 40_000);
    const roll = rng.next();
    const at = { ...who, ts: t };
    if (roll < 0.45) {
      const id = rng.pick(user.orders);
      const down = env.serviceDown('orders', t);
      emit(request(rng, at, 'GET', '/v1/orders/:id', `/v1/orders/${id}`, down ? 503 : rng.chance(0.002) ? 500 : 200, down ? 5 : 45, down ? 80 : rng.int(1_500, 6_000)));
    } else if (roll < 0.65) {
      emit(request(rng, at, 'GET', '/v1/profile', undefined, 200, 30, 900));
    } else if (roll < 0.9) {
      const id = rng.int(1, world.products);
      const strain = env.strain('catalog', t);
      const failed = rng.chance(strain.errors);
      emit(request(rng, at, 'GET', '/v1/products/:id', `/v1/products/${id}`, failed ? 503 : rng.chance(0.01) ? 404 : 200, 40 * strain.latency, failed ? 60 : 3_000));
    } else if (roll < 0.95) {
      const down = env.serviceDown('orders', t);
      emit(request(rng, at, 'POST', '/v1/orders', undefined, down ? 503 : 201, down ? 5 : 120, 400));
    } else {
      emit(request(rng, at, 'GET', '/v1/export', '/v1/export', 200, 300, Math.round(user.sessionBytes * (0.5 + rng.next()))));
    }
  }
}

export interface BenignOptions {
  /** Sessions per minute at the daily peak. */
  peakSessions: number;
  /** Logins from a country the user never logged in from, per day (travelers). */
  travelersPerDay: number;
  /** Daily window of the allowlisted search crawler, in UTC hours. */
  crawlerHours: [number, number];
}

export const BENIGN_DEFAULTS: BenignOptions = { peakSessions: 14, travelersPerDay: 2, crawlerHours: [2, 4] };

/** Ordinary traffic for one minute: user sessions, anonymous catalog visitors, the crawler, travelers. */
export function benignMinute(world: World, rng: Prng, t: number, env: Conditions, opts: BenignOptions, emit: Emit): void {
  const rate = opts.peakSessions * diurnal(t) * env.sessionFactor(t);
  const sessions = rng.poisson(rate);
  for (let i = 0; i < sessions; i++) {
    const user = world.users[Math.floor(rng.next() ** 1.6 * world.users.length)]!;
    session(world, rng, user, t + rng.next() * MINUTE, env, emit);
  }
  // Anonymous visitors browse the catalog; a campaign brings many from addresses never seen before.
  const visitors = rng.poisson(rate * 0.6);
  for (let i = 0; i < visitors; i++) {
    const net = rng.pick([NETWORKS.telekom!, NETWORKS.comcast!, NETWORKS.bt!, NETWORKS.orange!]);
    const base = { ts: t + rng.next() * MINUTE, ip: ipIn(net, rng), country: net.country, asn: net.asn, ua: rng.pick(BROWSERS) };
    const pages = rng.int(1, 4);
    for (let p = 0; p < pages; p++) {
      const strain = env.strain('catalog', base.ts);
      const failed = rng.chance(strain.errors);
      emit(request(rng, base, 'GET', '/v1/products/:id', `/v1/products/${rng.int(1, world.products)}`, failed ? 503 : 200, 40 * strain.latency, 3_000));
      base.ts += rng.int(2_000, 20_000);
    }
  }
  const hour = new Date(t).getUTCHours();
  if (hour >= opts.crawlerHours[0] && hour < opts.crawlerHours[1]) {
    // Googlebot walks the catalog in order, one page a second: it is declared, so it must not be raised.
    const minuteOfRun = Math.floor((t - Math.floor(t / HOUR) * HOUR) / MINUTE) + (hour - opts.crawlerHours[0]) * 60;
    for (let s = 0; s < 60; s++) {
      const id = ((minuteOfRun * 60 + s) % world.products) + 1;
      emit(request(rng, { ts: t + s * 1_000, ip: world.crawlerIps[(minuteOfRun >> 3) % world.crawlerIps.length]!, country: 'US', asn: 15169, ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' }, 'GET', '/v1/products/:id', `/v1/products/${id}`, 200, 35, 3_000));
    }
  }
  if (rng.chance(opts.travelersPerDay / 1440)) {
    const user = rng.pick(world.users);
    const net = rng.pick([NETWORKS.chinanet!, NETWORKS.comcast!, NETWORKS.orange!].filter((n) => n.country !== user.home.country));
    const r = request(rng, { ts: t + rng.next() * MINUTE, ip: ipIn(net, rng), country: net.country, asn: net.asn, ua: rng.pick(BROWSERS), user: user.name }, 'POST', '/auth/login', undefined, 200, 110, 450);
    r.auth = 'success';
    emit(r);
  }
}

/** Probe runs of the two checks every 10 s, reflecting outages. */
export function probeMinute(t: number, env: Conditions, rng: Prng, emit: Emit): void {
  for (let s = 0; s < 60; s += 10) {
    const ts = t + s * 1_000;
    const loginFails = env.loginBroken(ts) || env.serviceDown('auth', ts);
    emit({ type: 'probe', ts, check: 'auth-login', service: 'auth', kind: 'auth-login', ok: !loginFails, status: loginFails ? (env.serviceDown('auth', ts) ? 503 : 401) : 200, ...(loginFails ? { error: 'status' } : {}), latencyMs: 90 + rng.int(0, 40) });
    const ordersDown = env.serviceDown('orders', ts);
    emit({ type: 'probe', ts: ts + 3_000, check: 'orders-health', service: 'orders', kind: 'http', ok: !ordersDown, ...(ordersDown ? { error: 'refused' } : { status: 200 }), latencyMs: ordersDown ? 1 : 20 + rng.int(0, 15) });
  }
}
