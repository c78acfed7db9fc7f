import { z } from 'zod';
import { secret } from '../../config/secret.js';
import { secureEqual } from '../../secure-compare.js';
import { header, type SignedRequest, type Verdict } from './types.js';

export const type = 'basic';

export const schema = z.object({ username: z.string().min(1), password: secret() });

export function verify(cfg: z.output<typeof schema>, req: SignedRequest): Verdict {
  const raw = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header(req, 'authorization')?.trim() ?? '')?.[1];
  if (!raw) return { ok: false, reason: 'expected "Authorization: Basic …"' };
  const decoded = Buffer.from(raw, 'base64').toString('utf8');
  // Both parts are always compared, so a right user with a wrong password takes as long as anything else.
  const userOk = secureEqual(decoded.slice(0, Math.max(0, decoded.indexOf(':'))), cfg.username);
  const passOk = secureEqual(decoded.slice(decoded.indexOf(':') + 1), cfg.password.reveal());
  return userOk && passOk && decoded.includes(':') ? { ok: true } : { ok: false, reason: 'wrong username or password' };
}
