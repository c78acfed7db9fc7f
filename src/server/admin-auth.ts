import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../http-error.js';
import { secureEqual } from '../secure-compare.js';

type Token = { reveal(): string } | undefined;

/** The token a request presents: `Authorization: Bearer <t>`, or the password of Basic auth (what a browser sends). */
function presentedToken(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization?.trim() ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1];
  if (bearer) return bearer;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header)?.[1];
  if (!basic) return undefined;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

const matches = (presented: string | undefined, token: Token): boolean => !!presented && !!token && secureEqual(presented, token.reveal());

/**
 * A Fastify preHandler for write calls: `Authorization: Bearer <server.adminToken>`, compared in constant time.
 * Without a configured token, write calls are refused rather than open.
 */
export function requireAdmin(token: Token) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    if (!token) throw new HttpError(401, 'unauthorized', 'write calls are disabled: set server.adminToken');
    if (!matches(presentedToken(req), token)) throw new HttpError(401, 'unauthorized', 'missing or wrong admin token');
  };
}

/** Paths that stay open with a read token: probes of liveness, and ingest (which has its own auth per source). */
const OPEN_PATHS = [/^\/healthz$/, /^\/readyz$/, /^\/ingest\//, /^\/v1\/events$/];

/**
 * An onRequest hook closing read calls (API GETs, the dashboard, /metrics) behind `server.readToken`: the read or
 * the admin token, as a bearer token or a Basic password. Browsers are asked for Basic auth. Without a read token,
 * reads are open, as they are on loopback by default.
 */
export function requireReader(readToken: Token, adminToken: Token) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!readToken || (req.method !== 'GET' && req.method !== 'HEAD')) return;
    const path = req.url.split('?')[0]!;
    if (OPEN_PATHS.some((p) => p.test(path))) return;
    const presented = presentedToken(req);
    if (matches(presented, readToken) || matches(presented, adminToken)) return;
    reply.header('www-authenticate', 'Basic realm="picket", charset="UTF-8"');
    throw new HttpError(401, 'unauthorized', 'reading needs server.readToken (or the admin token) as a bearer token or Basic password');
  };
}

/** Who made a write call, for the timeline: the `X-Picket-User` header, else "api". */
export function actorOf(req: FastifyRequest): string {
  const v = req.headers['x-picket-user'];
  const user = typeof v === 'string' ? v.trim().slice(0, 64) : '';
  return user !== '' && /^[\w.@ -]+$/.test(user) ? user : 'api';
}
