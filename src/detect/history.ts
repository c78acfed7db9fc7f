import type { RequestObservation } from '../correlate/observation.js';
import { ipv4Number, ipv4Text } from '../ip-address.js';
import { LruMap } from './structures.js';

/** An IP becomes "known" this long after its first normal request, so an attack wave cannot vouch for itself. */
const KNOWN_AFTER_MS = 15 * 60_000;

interface IpRecord {
  first: number;
  ok: number;
  failed: number;
}

export interface UserHistory {
  countries: string[];
  asns: number[];
  logins: number;
  lastLogin?: { ts: number; country?: string; asn?: number; ip: string };
}

/**
 * What picket has learned about the protected API's normal clients: IPs that made normal requests (not only
 * failures), users that logged in, and where each user usually logs in from. Detectors read it to tell a rotating
 * pool of fresh IPs from the usual clients; it is updated after the detectors have seen each request.
 */
export class TrafficHistory {
  /** Keyed by `ipKey`. */
  private readonly ips: LruMap<string | number, IpRecord>;
  /** Networks the usual clients come from. */
  private readonly asns = new Set<number>();
  private readonly users: LruMap<string, UserHistory>;
  /**
   * The last address looked up: every detector asks about the same request's IP, and one lookup in a map of 200,000
   * addresses costs more than all their other work on it.
   */
  private lastIp: string | undefined;
  private lastIpRecord: IpRecord | undefined;

  constructor(opts: { maxIps?: number; maxUsers?: number } = {}) {
    this.ips = new LruMap(opts.maxIps ?? 200_000);
    this.users = new LruMap(opts.maxUsers ?? 100_000);
  }

  /**
   * Seen making normal requests since more than 15 minutes before `now`, and mostly normal ones: an attacker's
   * address that scored a few hits among thousands of failed logins stays unknown.
   */
  isKnownIp(ip: string, now: number): boolean {
    const r = this.ipRecord(ip);
    return r !== undefined && r.first <= now - KNOWN_AFTER_MS && r.failed <= r.ok;
  }

  /** A network that ordinary, successful traffic has come from. */
  isKnownAsn(asn: number): boolean {
    return this.asns.has(asn);
  }

  user(user: string): UserHistory | undefined {
    return this.users.peek(user);
  }

  record(o: RequestObservation): void {
    // Failures and refused requests do not make an IP familiar; anything else does.
    const normal = o.auth !== 'failure' && o.status < 400;
    if (normal && o.asn !== undefined && this.asns.size < 50_000) this.asns.add(o.asn);
    let r = this.ipRecord(o.ip);
    if (!r) {
      if (!normal) {
        if (o.auth === 'failure') this.remember(o.ip, { first: Infinity, ok: 0, failed: 1 });
        return this.recordUser(o);
      }
      r = { first: o.ts, ok: 0, failed: 0 };
      this.remember(o.ip, r);
    }
    if (normal) {
      if (r.first === Infinity) r.first = o.ts;
      r.ok++;
    } else if (o.auth === 'failure') {
      r.failed++;
    }
    this.recordUser(o);
  }

  /**
   * The most recent known addresses and user histories, for persisting: after a restart the usual clients are
   * still usual, instead of every address looking new for the first 15 minutes.
   */
  snapshot(limit = 20_000): { ips: [string, IpRecord][]; asns: number[]; users: [string, UserHistory][] } {
    const ips = [...this.ips.entries()].filter(([, r]) => r.first !== Infinity && r.failed <= r.ok).slice(-limit).map(([key, r]): [string, IpRecord] => [typeof key === 'string' ? key : ipv4Text(key), r]);
    return { ips, asns: [...this.asns].slice(-limit), users: [...this.users.entries()].slice(-limit) };
  }

  restore(state: { ips?: [string, IpRecord][]; asns?: number[]; users?: [string, UserHistory][] } | undefined): void {
    this.lastIp = undefined;
    for (const [ip, r] of state?.ips ?? []) this.ips.set(ipKey(ip), r);
    for (const asn of state?.asns ?? []) this.asns.add(asn);
    for (const [user, h] of state?.users ?? []) this.users.set(user, h);
  }

  private ipRecord(ip: string): IpRecord | undefined {
    if (ip !== this.lastIp) {
      this.lastIp = ip;
      this.lastIpRecord = this.ips.get(ipKey(ip));
    }
    return this.lastIpRecord;
  }

  private remember(ip: string, r: IpRecord): void {
    this.ips.set(ipKey(ip), r);
    this.lastIp = ip;
    this.lastIpRecord = r;
  }

  private recordUser(o: RequestObservation): void {
    if (o.auth === 'success' && o.user) {
      const h = this.users.upsert(o.user, () => ({ countries: [], asns: [], logins: 0 }));
      h.logins++;
      if (o.country && !h.countries.includes(o.country)) {
        h.countries.push(o.country);
        if (h.countries.length > 8) h.countries.shift();
      }
      if (o.asn !== undefined && !h.asns.includes(o.asn)) {
        h.asns.push(o.asn);
        if (h.asns.length > 8) h.asns.shift();
      }
      h.lastLogin = { ts: o.ts, country: o.country, asn: o.asn, ip: o.ip };
    }
  }
}

/**
 * An IPv4 address as a number, any other address as it is: a number is found in a map of 200,000 addresses about
 * twice as fast as a freshly parsed string.
 */
function ipKey(ip: string): string | number {
  return ipv4Number(ip) ?? ip;
}
