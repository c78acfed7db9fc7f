import type { IncidentClass } from '../correlate/classes.js';
import { bruteForce, credentialStuffing, exfiltration, flood, lowAndSlow, monitorEvent, passwordSpray, scraper, type Activity } from './attacks.js';
import { Prng } from './prng.js';
import { BENIGN_DEFAULTS, benignMinute, CALM, probeMinute, type Conditions, type Emit, type SimRecord } from './traffic.js';
import { buildWorld, type World } from './world.js';

/** What a scenario claims happened: the class an incident should have, where and when. */
export interface Label {
  class: IncidentClass;
  service: string;
  start: number;
  end: number;
  /** A consequence that may be raised too (a slowdown during a flood); it is neither required nor a false alarm. */
  optional?: boolean;
}

export interface Scenario {
  name: string;
  description: string;
  /** Days of traffic in all, the first of them benign (the detectors learn). */
  days: number;
  build(rng: Prng, world: World, start: number): { conditions: Conditions; activities: Activity[]; extra: SimRecord[]; labels: Label[] };
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Monday 2026-11-02 00:00 UTC. */
export const SIMULATION_START = Date.UTC(2026, 10, 2);

/** The attack window of a scenario: on the second day, at an hour the seed picks. */
function window(rng: Prng, start: number, minutes: number): { from: number; to: number } {
  const from = start + DAY + rng.int(9, 19) * HOUR + rng.int(0, 59) * MINUTE;
  return { from, to: from + minutes * MINUTE };
}

const between = (t: number, w: { from: number; to: number }) => t >= w.from && t < w.to;

function ordersOutage(w: { from: number; to: number }): { conditions: Conditions; extra: SimRecord[]; label: Label } {
  return {
    conditions: { ...CALM, serviceDown: (s, t) => s === 'orders' && between(t, w) },
    extra: [monitorEvent(w.from + 70_000, 'down'), monitorEvent(w.to + 40_000, 'up')],
    label: { class: 'outage', service: 'orders', start: w.from, end: w.to },
  };
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'benign-week',
    description: 'a week of ordinary traffic with false-positive traps: an office behind one NAT address, an allowlisted crawler, travelers, a marketing spike',
    days: 7,
    build(_rng, _world, start) {
      const campaign = { from: start + 2 * DAY + 14 * HOUR, to: start + 2 * DAY + 16 * HOUR };
      return { conditions: { ...CALM, sessionFactor: (t) => (between(t, campaign) ? 4 : 1) }, activities: [], extra: [], labels: [] };
    },
  },
  {
    name: 'idp-outage',
    description: 'the identity provider fails for 20 minutes: every login gets 401, the login probe too',
    days: 2,
    build(rng, _world, start) {
      const w = window(rng, start, 20);
      return { conditions: { ...CALM, loginBroken: (t) => between(t, w) }, activities: [], extra: [], labels: [{ class: 'outage', service: 'auth', start: w.from, end: w.to }] };
    },
  },
  {
    name: 'credential-stuffing',
    description: 'a leaked list replayed from a rotating pool of 1k–10k addresses, 0.1–2 % hits, then account takeover',
    days: 2,
    build(rng, world, start) {
      const w = window(rng, start, rng.int(20, 45));
      return { conditions: CALM, activities: [credentialStuffing(world, rng, w.from, w.to)], extra: [], labels: [{ class: 'attack.credential_stuffing', service: 'auth', start: w.from, end: w.to }] };
    },
  },
  {
    name: 'password-spray',
    description: 'one password against many real accounts, one try a minute, for six hours',
    days: 2,
    build(rng, world, start) {
      const w = window(rng, start, 6 * 60);
      return { conditions: CALM, activities: [passwordSpray(world, rng, w.from, w.to)], extra: [], labels: [{ class: 'attack.password_spray', service: 'auth', start: w.from, end: w.to }] };
    },
  },
  {
    name: 'brute-force',
    description: 'one account, one address, about ten tries a minute for 20 minutes',
    days: 2,
    build(rng, world, start) {
      const w = window(rng, start, 20);
      return { conditions: CALM, activities: [bruteForce(world, rng, w.from, w.to)], extra: [], labels: [{ class: 'attack.brute_force', service: 'auth', start: w.from, end: w.to }] };
    },
  },
  {
    name: 'low-and-slow',
    description: '300 addresses in three /24s, each under a per-IP limit, together a steady credential-stuffing stream',
    days: 2,
    build(rng, world, start) {
      const w = window(rng, start, 40);
      return { conditions: CALM, activities: [lowAndSlow(world, rng, w.from, w.to)], extra: [], labels: [{ class: 'attack.credential_stuffing', service: 'auth', start: w.from, end: w.to }] };
    },
  },
  {
    name: 'scraper',
    description: 'sequential product ids at 4/s, rotating to the next address of its /24 after 429s',
    days: 2,
    build(rng, world, start) {
      const w = window(rng, start, 40);
      return { conditions: CALM, activities: [scraper(world, rng, w.from, w.to)], extra: [], labels: [{ class: 'attack.scraping', service: 'catalog', start: w.from, end: w.to }] };
    },
  },
  {
    name: 'exfiltration',
    description: 'an insider downloads 20–50× their usual volume for 30 minutes',
    days: 2,
    build(rng, world, start) {
      const w = window(rng, start, 30);
      return { conditions: CALM, activities: [exfiltration(world, rng, w.from, w.to)], extra: [], labels: [{ class: 'attack.exfiltration', service: 'account', start: w.from, end: w.to }] };
    },
  },
  {
    name: 'dos',
    description: 'a flood of catalog listings from 500 addresses: latency ×5, 429s and 503s',
    days: 2,
    build(rng, world, start) {
      const w = window(rng, start, 20);
      return {
        conditions: { ...CALM, strain: (_s, t) => (between(t, w) ? { latency: 5, errors: 0.15 } : { latency: 1, errors: 0 }) },
        activities: [flood(world, rng, w.from, w.to)],
        extra: [],
        labels: [{ class: 'attack.dos', service: 'catalog', start: w.from, end: w.to }, { class: 'degradation', service: 'catalog', start: w.from, end: w.to, optional: true }],
      };
    },
  },
  {
    name: 'hard-outage',
    description: 'the orders service stops answering for 30 minutes: probe refused, external monitor down, 503s',
    days: 2,
    build(rng, _world, start) {
      const o = ordersOutage(window(rng, start, 30));
      return { conditions: o.conditions, activities: [], extra: o.extra, labels: [o.label] };
    },
  },
  {
    name: 'attack-during-outage',
    description: 'credential stuffing on the login while the orders service is down',
    days: 2,
    build(rng, world, start) {
      const w = window(rng, start, 30);
      const o = ordersOutage(w);
      return {
        conditions: o.conditions,
        activities: [credentialStuffing(world, rng, w.from + 5 * MINUTE, w.to)],
        extra: o.extra,
        labels: [o.label, { class: 'attack.credential_stuffing', service: 'auth', start: w.from + 5 * MINUTE, end: w.to }],
      };
    },
  },
];

export function scenarioNamed(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`no scenario "${name}" (scenarios: ${SCENARIOS.map((x) => x.name).join(', ')})`);
  return s;
}

/**
 * Generates a scenario's records in time order, minute by minute, and returns its labels. Records of a minute may
 * reach a few minutes ahead (a session's later requests), so they are held until nothing earlier can come.
 */
export function generate(scenario: Scenario, seed: number, emit: Emit): Label[] {
  const rng = new Prng(seed);
  const world = buildWorld(new Prng(seed ^ 0x5eed));
  const start = SIMULATION_START;
  const { conditions, activities, extra, labels } = scenario.build(rng, world, start);
  const end = start + scenario.days * DAY;
  let pending: SimRecord[] = [...extra];
  const hold = (r: SimRecord) => pending.push(r);
  for (let t = start; t < end; t += MINUTE) {
    benignMinute(world, rng, t, conditions, BENIGN_DEFAULTS, hold);
    probeMinute(t, conditions, rng, hold);
    for (const a of activities) if (t >= a.start && t < a.end) a.minute(t, hold);
    // Every ten minutes, everything older than the longest session (a few minutes) is final.
    if ((t - start) % (10 * MINUTE) === 0 || t + MINUTE >= end) {
      const cutoff = t + MINUTE >= end ? Infinity : t - 10 * MINUTE;
      pending.sort((a, b) => a.ts - b.ts);
      let i = 0;
      while (i < pending.length && pending[i]!.ts < cutoff) emit(pending[i++]!);
      pending = pending.slice(i);
    }
  }
  return labels;
}
