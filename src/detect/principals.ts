import type { RequestObservation } from '../correlate/observation.js';
import { keepingLast } from '../keeping-last.js';

/** The network an IP belongs to for aggregation: /24 for IPv4, /48 for IPv6. */
export function netOf(ip: string): string {
  if (ip.includes(':')) return `${ip.split(':').slice(0, 3).join(':')}::/48`;
  const dot = ip.lastIndexOf('.');
  return `${ip.slice(0, dot)}.0/24`;
}

export type PrincipalKind = 'ip' | 'net' | 'asn';

/**
 * The keys a request counts under: its IP, its network and its ASN. Per-IP thresholds applied to /24s and ASNs
 * catch pools that keep each IP under the limit (rate-limit evasion).
 */
export const principalsOf = keepingLast((o: RequestObservation): readonly (readonly [PrincipalKind, string])[] => {
  const out: [PrincipalKind, string][] = [
    ['ip', `ip:${o.ip}`],
    ['net', `net:${netOf(o.ip)}`],
  ];
  if (o.asn !== undefined) out.push(['asn', `asn:${o.asn}`]);
  return out;
});

/** The request's `ip:` key: the same string `principalsOf` lists first, so V8 hashes it once for every detector. */
export function ipPrincipalOf(o: RequestObservation): string {
  return principalsOf(o)[0]![1];
}

/** `ip:203.0.113.9` → `203.0.113.9`, for messages. */
export function principalLabel(key: string): string {
  const colon = key.indexOf(':');
  const kind = key.slice(0, colon);
  const value = key.slice(colon + 1);
  return kind === 'ip' ? value : kind === 'asn' ? `AS${value}` : kind === 'user' ? `user ${value}` : value;
}
