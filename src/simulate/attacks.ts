import type { Prng } from './prng.js';
import type { Emit, SimRecord } from './traffic.js';
import { ipIn, NETWORKS, type Network, type World } from './world.js';

const MINUTE = 60_000;
const BOT_UAS = ['python-requests/2.32.3', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36', 'curl/8.5.0', 'Go-http-client/1.1'];

/** Something that happens minute by minute between two times. */
export interface Activity {
  start: number;
  end: number;
  minute(t: number, emit: Emit): void;
}

function pool(rng: Prng, size: number, nets: Network[]): { ip: string; net: Network }[] {
  return Array.from({ length: size }, () => {
    const net = rng.pick(nets);
    return { ip: ipIn(net, rng), net };
  });
}

function loginAttempt(ts: number, ip: string, net: Network, user: string, ok: boolean, ua: string): SimRecord {
  return { ts: Math.round(ts), method: 'POST', route: '/auth/login', status: ok ? 200 : 401, latencyMs: 100, ip, user, auth: ok ? 'success' : 'failure', bytesOut: ok ? 450 : 120, ua, country: net.country, asn: net.asn };
}

/** A leaked list replayed from a rotating pool of 1k–10k addresses; the few hits are used at once (takeover). */
export function credentialStuffing(world: World, rng: Prng, start: number, end: number): Activity {
  const ips = pool(rng, rng.int(1_000, 10_000), [NETWORKS.digitalocean!, NETWORKS.m247!, NETWORKS.chinanet!, NETWORKS.aws!]);
  const perMinute = rng.int(600, 2_400);
  const successRate = 0.001 + rng.next() * 0.019;
  const real = new Set(world.users.map((u) => u.name));
  let cursor = rng.int(0, world.leaked.length - 1);
  return {
    start,
    end,
    minute(t, emit) {
      for (let i = 0; i < perMinute; i++) {
        const ts = t + (i / perMinute) * MINUTE;
        const { ip, net } = ips[Math.floor(rng.next() * ips.length)]!;
        const user = world.leaked[cursor++ % world.leaked.length]!;
        const hit = real.has(user) && rng.chance(successRate * 4);
        const ua = rng.pick(BOT_UAS);
        emit(loginAttempt(ts, ip, net, user, hit, ua));
        if (hit) {
          emit({ ts: Math.round(ts + 2_000), method: 'GET', route: '/v1/profile', status: 200, latencyMs: 30, ip, user, auth: 'none', bytesOut: 900, ua, country: net.country, asn: net.asn });
          emit({ ts: Math.round(ts + 4_000), method: 'GET', route: '/v1/export', path: '/v1/export', status: 200, latencyMs: 300, ip, user, auth: 'none', bytesOut: 40_000, ua, country: net.country, asn: net.asn });
        }
      }
    },
  };
}

/** Many addresses in three /24s, each at 60–95 % of a per-IP limit of one login a minute: slow per IP, not overall. */
export function lowAndSlow(world: World, rng: Prng, start: number, end: number): Activity {
  const nets = [NETWORKS.m247!, NETWORKS.digitalocean!];
  const subnets = Array.from({ length: 3 }, () => {
    const net = rng.pick(nets);
    return { net, prefix: `${net.prefix}.${rng.int(1, 254)}` };
  });
  const ips = Array.from({ length: 300 }, (_, i) => {
    const s = subnets[i % subnets.length]!;
    return { ip: `${s.prefix}.${(i % 250) + 2}`, net: s.net, pace: 0.6 + rng.next() * 0.35 };
  });
  let cursor = rng.int(0, world.leaked.length - 1);
  return {
    start,
    end,
    minute(t, emit) {
      for (const a of ips) {
        if (!rng.chance(a.pace)) continue;
        emit(loginAttempt(t + rng.next() * MINUTE, a.ip, a.net, world.leaked[cursor++ % world.leaked.length]!, false, BOT_UAS[0]!));
      }
    },
  };
}

/** One common password against many real accounts, one try a minute or so, for hours. */
export function passwordSpray(world: World, rng: Prng, start: number, end: number): Activity {
  const sources = pool(rng, rng.int(1, 2), [NETWORKS.m247!, NETWORKS.chinanet!]);
  const targets = [...world.users].sort(() => rng.next() - 0.5);
  let cursor = 0;
  let next = start;
  return {
    start,
    end,
    minute(t, emit) {
      while (next < t + MINUTE) {
        if (next >= t) {
          const { ip, net } = rng.pick(sources);
          const user = targets[cursor++ % targets.length]!.name;
          emit(loginAttempt(next, ip, net, user, rng.chance(0.002), BOT_UAS[0]!));
        }
        next += rng.int(40_000, 90_000);
      }
    },
  };
}

/** One account hammered from one address, about ten tries a minute. */
export function bruteForce(world: World, rng: Prng, start: number, end: number): Activity {
  const victim = rng.pick(world.users.slice(100)).name;
  const { ip, net } = pool(rng, 1, [NETWORKS.chinanet!])[0]!;
  return {
    start,
    end,
    minute(t, emit) {
      for (let s = 0; s < 60; s += rng.int(4, 8)) emit(loginAttempt(t + s * 1_000, ip, net, victim, false, BOT_UAS[2]!));
    },
  };
}

/** Walks product ids in order at 4 requests a second; after 150 requests an address gets 429s and the next one in the /24 takes over. */
export function scraper(_world: World, rng: Prng, start: number, end: number): Activity {
  const net = NETWORKS.digitalocean!;
  const prefix = `${net.prefix}.${rng.int(1, 254)}`;
  let host = 10;
  let served = 0;
  let id = rng.int(1, 500);
  return {
    start,
    end,
    minute(t, emit) {
      for (let i = 0; i < 240; i++) {
        const ts = t + i * 250;
        const ip = `${prefix}.${host}`;
        const limited = served >= 150;
        emit({ ts, method: 'GET', route: '/v1/products/:id', path: `/v1/products/${id}`, status: limited ? 429 : 200, latencyMs: limited ? 3 : 40, ip, auth: 'none', bytesOut: limited ? 80 : 3_000, ua: BOT_UAS[0]!, country: net.country, asn: net.asn });
        if (limited) {
          if (++served >= 160) {
            host++;
            served = 0;
          }
        } else {
          served++;
          id++;
        }
      }
    },
  };
}

/** An insider pulling 20–50× what they normally download, from their usual address. */
export function exfiltration(world: World, rng: Prng, start: number, end: number): Activity {
  const heavy = world.users.filter((u) => u.sessionBytes > 1_000_000 && !u.office);
  const user = rng.pick(heavy.length > 0 ? heavy : world.users);
  const ip = user.ips[0]!;
  const factor = 20 + rng.next() * 30;
  const perMinute = (user.sessionBytes * factor) / 10;
  return {
    start,
    end,
    minute(t, emit) {
      for (let i = 0; i < 4; i++) {
        emit({ ts: t + i * 15_000, method: 'GET', route: '/v1/export', path: `/v1/export`, status: 200, latencyMs: 400, ip, user: user.name, auth: 'none', bytesOut: Math.round(perMinute / 4), ua: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0', country: user.home.country, asn: user.home.asn });
      }
    },
  };
}

/** A flood of catalog listings from hundreds of addresses: the service slows down and sheds load. */
export function flood(_world: World, rng: Prng, start: number, end: number): Activity {
  const ips = pool(rng, 500, [NETWORKS.chinanet!, NETWORKS.aws!, NETWORKS.m247!]);
  return {
    start,
    end,
    minute(t, emit) {
      for (let i = 0; i < 2_500; i++) {
        const { ip, net } = ips[Math.floor(rng.next() * ips.length)]!;
        const roll = rng.next();
        const status = roll < 0.1 ? 429 : roll < 0.25 ? 503 : 200;
        emit({ ts: t + rng.next() * MINUTE, method: 'GET', route: '/v1/products', status, latencyMs: status === 200 ? 250 : 900, ip, auth: 'none', bytesOut: status === 200 ? 5_000 : 80, ua: BOT_UAS[3]!, country: net.country, asn: net.asn });
      }
    },
  };
}

/** An external monitor's Lagnis webhook about the orders service. */
export function monitorEvent(ts: number, state: 'down' | 'up'): SimRecord {
  return {
    type: 'webhook',
    ts,
    source: 'lagnis',
    body: {
      event: `monitor.${state}`,
      monitor: { id: 'm-orders', name: 'Orders API', url: 'https://api.example.com/v1/orders/health' },
      check: { status: state, status_code: state === 'down' ? 503 : 200, response_time_ms: state === 'down' ? 5000 : 80, location: 'eu-west', checked_at: new Date(ts).toISOString() },
      incident: { id: `i-orders-${Math.floor(ts / 3_600_000)}`, started_at: new Date(ts).toISOString() },
    },
  };
}
