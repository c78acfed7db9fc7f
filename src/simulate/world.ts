import { Prng } from './prng.js';

/** A network clients come from: ASN, country, and the prefix its addresses are drawn from. */
export interface Network {
  asn: number;
  country: string;
  /** First two or three octets. */
  prefix: string;
  kind: 'residential' | 'hosting' | 'office' | 'crawler' | 'mobile';
}

export const NETWORKS: Record<string, Network> = {
  telekom: { asn: 3320, country: 'DE', prefix: '91.64', kind: 'residential' },
  vodafoneDe: { asn: 3209, country: 'DE', prefix: '88.65', kind: 'mobile' },
  comcast: { asn: 7922, country: 'US', prefix: '73.162', kind: 'residential' },
  bt: { asn: 2856, country: 'GB', prefix: '86.128', kind: 'residential' },
  orange: { asn: 3215, country: 'FR', prefix: '90.12', kind: 'residential' },
  office: { asn: 3320, country: 'DE', prefix: '194.25.10', kind: 'office' },
  google: { asn: 15169, country: 'US', prefix: '66.249', kind: 'crawler' },
  digitalocean: { asn: 14061, country: 'NL', prefix: '159.65', kind: 'hosting' },
  m247: { asn: 9009, country: 'RO', prefix: '185.220', kind: 'hosting' },
  chinanet: { asn: 4134, country: 'CN', prefix: '222.186', kind: 'hosting' },
  aws: { asn: 16509, country: 'US', prefix: '3.90', kind: 'hosting' },
};

const HOME_NETWORKS = [NETWORKS.telekom!, NETWORKS.telekom!, NETWORKS.comcast!, NETWORKS.bt!, NETWORKS.orange!];

export function ipIn(net: Network, rng: Prng): string {
  const parts = net.prefix.split('.');
  while (parts.length < 4) parts.push(String(rng.int(1, 254)));
  return parts.join('.');
}

export interface SimUser {
  name: string;
  home: Network;
  ips: string[];
  /** Works at the office (behind its one NAT address on weekday hours). */
  office: boolean;
  /** Relative activity. */
  weight: number;
  orders: number[];
  /** Bytes a typical session downloads. */
  sessionBytes: number;
}

export interface World {
  users: SimUser[];
  officeIp: string;
  /** Usernames from a leaked list: some real, most not. */
  leaked: string[];
  crawlerIps: string[];
  products: number;
}

/** The simulated customer base of the protected API, drawn from the seed. */
export function buildWorld(rng: Prng, size = 1500): World {
  const users: SimUser[] = [];
  for (let i = 0; i < size; i++) {
    const office = i < 80;
    // The office is in Germany, so its staff live there too.
    const home = office ? NETWORKS.telekom! : rng.pick(HOME_NETWORKS);
    const ips = [ipIn(home, rng)];
    // A phone on the same network's mobile range: another address, same country and ASN.
    if (rng.chance(0.4)) ips.push(ipIn(home, rng));
    users.push({
      name: `user${i}@example.com`,
      home,
      ips,
      office,
      weight: rng.chance(0.1) ? 4 : 1,
      orders: Array.from({ length: rng.int(1, 6) }, () => rng.int(100_000, 999_999)),
      sessionBytes: rng.chance(0.05) ? 1_500_000 : rng.int(8_000, 40_000),
    });
  }
  const leaked = Array.from({ length: 30_000 }, (_, i) => (i % 4 === 0 ? users[i % size]!.name : `leak${i}@mail.example`));
  return {
    users,
    officeIp: '194.25.10.10',
    leaked,
    crawlerIps: Array.from({ length: 8 }, () => ipIn(NETWORKS.google!, rng)),
    products: 5_000,
  };
}
