import type { IncomingMessage } from 'node:http';

/**
 * How far to believe `X-Forwarded-For`: `false` (default) uses the socket address; a number N trusts N proxies
 * (the address N entries from the right); `true` trusts every proxy (the leftmost address). Trusting the header
 * without proxies in front lets any client choose its own IP.
 */
export type TrustProxy = boolean | number;

export function clientIp(req: IncomingMessage, trust: TrustProxy): string {
  const socketIp = unmap(req.socket?.remoteAddress ?? '');
  if (trust === false || trust === 0) return socketIp;
  const header = req.headers['x-forwarded-for'];
  const chain = (Array.isArray(header) ? header.join(',') : header ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (chain.length === 0) return socketIp;
  if (trust === true) return unmap(chain[0]!);
  return unmap(chain[Math.max(0, chain.length - trust)]!);
}

function unmap(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
