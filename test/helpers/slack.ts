import type { TestServer } from './servers.js';
import { startServer } from './servers.js';

export type SlackMode = 'ok' | 'error' | 'rate_limited' | 'invalid_blocks' | 'no_service' | 'archived' | 'hang';

export interface SlackStandIn {
  server: TestServer;
  url: string;
  mode: SlackMode;
  retryAfter: number;
  /** Messages Slack accepted, in order. */
  accepted: { text: string; blocks: Record<string, unknown>[] }[];
  /** Every request, accepted or not. */
  attempts: number;
}

/**
 * A local HTTP server that answers like a Slack incoming webhook: `ok` with 200, or Slack's failures (500, 429 with
 * Retry-After, 400 invalid_blocks, 404 no_service, 410 channel_is_archived). It checks every message against
 * Slack's Block Kit limits and refuses one that breaks them, as Slack does.
 */
export async function startSlack(): Promise<SlackStandIn> {
  const s: SlackStandIn = { server: undefined as unknown as TestServer, url: '', mode: 'ok', retryAfter: 5, accepted: [], attempts: 0 };
  s.server = await startServer((req, res, body) => {
    s.attempts++;
    if (s.mode === 'hang') return;
    const reply = (status: number, text: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'text/plain', ...headers });
      res.end(text);
    };
    if (s.mode === 'error') return reply(500, 'internal_error');
    if (s.mode === 'rate_limited') return reply(429, 'rate_limited', { 'retry-after': String(s.retryAfter) });
    if (s.mode === 'no_service') return reply(404, 'no_service');
    if (s.mode === 'archived') return reply(410, 'channel_is_archived');
    let msg: { text?: string; blocks?: Record<string, unknown>[] };
    try {
      msg = JSON.parse(body) as typeof msg;
    } catch {
      return reply(400, 'invalid_payload');
    }
    if (s.mode === 'invalid_blocks' || !validBlocks(msg)) return reply(400, 'invalid_blocks');
    s.accepted.push({ text: msg.text!, blocks: msg.blocks ?? [] });
    reply(200, 'ok');
  });
  s.url = `${s.server.url}/services/T000/B000/XXXXXXXX`;
  return s;
}

export function validBlocks(message: { text?: string; blocks?: object[] }): boolean {
  const msg = message as { text?: string; blocks?: Record<string, unknown>[] };
  if (typeof msg.text !== 'string' || msg.text === '') return false;
  const blocks = msg.blocks ?? [];
  if (blocks.length > 50) return false;
  for (const b of blocks) {
    const text = (b.text as { text?: string; type?: string } | undefined)?.text;
    if (b.type === 'header' && ((b.text as { type?: string }).type !== 'plain_text' || (text?.length ?? 0) > 150)) return false;
    if (b.type === 'section') {
      if (text !== undefined && text.length > 3000) return false;
      const fields = (b.fields as { text: string }[] | undefined) ?? [];
      if (fields.length > 10 || fields.some((f) => f.text.length > 2000)) return false;
      if (text === undefined && fields.length === 0) return false;
    }
  }
  return true;
}
