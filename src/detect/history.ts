import type { RequestObservation } from '../correlate/observation.js';
import { AddressRecords, type AddressRecord } from './address-records.js';
import { LruMap } from './structures.js';

/** An IP becomes "known" this long after its first normal request, so an attack wave cannot vouch for itself. */
const KNOWN_AFTER_MS = 15 * 60_000;

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
  private readonly ips: AddressRecords;
  /** Networks the usual clients come from. */
  private readonly asns = new Set<number>();
  private readonly users: LruMap<string, UserHistory>;
  /**
   * The last address looked up: every detector asks about the same request's IP, and one lookup among 200,000
   * addresses (a cache miss, and the address parsed) costs more than most detectors' other work on it.
   */
  private lastIp: string | undefined;
  /** The last address's entry in `ips`, or -1. */
  private lastIpAt = -1;

  constructor(opts: { maxIps?: number; maxUsers?: number } = {}) {
    this.ips = new AddressRecords(opts.maxIps ?? 200_000);
    this.users = new LruMap(opts.maxUsers ?? 100_000);
  }

  /**
   * Seen making normal requests since more than 15 minutes before `now`, and mostly normal ones: an attacker's
   * address that scored a few hits among thousands of failed logins stays unknown.
   */
  isKnownIp(ip: string, now: number): boolean {
    const at = this.ipAt(ip);
    return at !== -1 && this.ips.first(at) <= now - KNOWN_AFTER_MS && this.ips.failed(at) <= this.ips.ok(at);
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
    let at = this.ipAt(o.ip);
    if (at === -1) {
      if (!normal) {
        if (o.auth === 'failure') this.remember(o.ip, { first: Infinity, ok: 0, failed: 1 });
        return this.recordUser(o);
      }
      at = this.remember(o.ip, { first: o.ts, ok: 0, failed: 0 });
    }
    if (normal) {
      if (this.ips.first(at) === Infinity) this.ips.setFirst(at, o.ts);
      this.ips.countOk(at);
    } else if (o.auth === 'failure') {
      this.ips.countFailed(at);
    }
    this.recordUser(o);
  }

  /**
   * The most recent known addresses and user histories, for persisting: after a restart the usual clients are
   * still usual, instead of every address looking new for the first 15 minutes.
   */
  snapshot(limit = 20_000): { ips: [string, AddressRecord][]; asns: number[]; users: [string, UserHistory][] } {
    const ips = [...this.ips.entries()].filter(([, r]) => r.first !== Infinity && r.failed <= r.ok).slice(-limit);
    return { ips, asns: [...this.asns].slice(-limit), users: [...this.users.entries()].slice(-limit) };
  }

  restore(state: { ips?: [string, AddressRecord][]; asns?: number[]; users?: [string, UserHistory][] } | undefined): void {
    this.lastIp = undefined;
    for (const [ip, r] of state?.ips ?? []) if (this.ips.find(ip) === -1) this.ips.add(ip, r);
    for (const asn of state?.asns ?? []) this.asns.add(asn);
    for (const [user, h] of state?.users ?? []) this.users.set(user, h);
  }

  private ipAt(ip: string): number {
    if (ip !== this.lastIp) {
      this.lastIp = ip;
      this.lastIpAt = this.ips.find(ip);
    }
    return this.lastIpAt;
  }

  private remember(ip: string, r: AddressRecord): number {
    this.lastIp = ip;
    this.lastIpAt = this.ips.add(ip, r);
    return this.lastIpAt;
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
