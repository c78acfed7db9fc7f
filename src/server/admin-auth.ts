import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../http-error.js';
import { secureEqual } from '../secure-compare.js';

/**
 * A Fastify preHandler for write calls: `Authorization: Bearer <server.adminToken>`, compared in constant time.
 * Without a configured token, write calls are refused rather than open.
 */
export function requireAdmin(token: { reveal(): string } | undefined) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    if (!token) throw new HttpError(401, 'unauthorized', 'write calls are disabled: set server.adminToken');
    const presented = /^Bearer\s+(.+)$/i.exec(req.headers.authorization?.trim() ?? '')?.[1];
    if (!presented || !secureEqual(presented, token.reveal())) throw new HttpError(401, 'unauthorized', 'missing or wrong admin token');
  };
}

/** Who made a write call, for the timeline: the `X-Picket-User` header, else "api". */
export function actorOf(req: FastifyRequest): string {
  const v = req.headers['x-picket-user'];
  const user = typeof v === 'string' ? v.trim().slice(0, 64) : '';
  return user !== '' && /^[\w.@ -]+$/.test(user) ? user : 'api';
}
