import { createHmac } from 'node:crypto';

export const LAGNIS_SECRET = 'bench-lagnis-secret';

let counter = 0;

/**
 * A signed Lagnis webhook, each body unique (its incident id, with the process id, since the paced sender is a process of
 * its own), half of them down and half up.
 */
export function nextWebhook(): { body: string; headers: Record<string, string> } {
  const n = ++counter;
  const body = `{"event":"monitor.${n % 2 ? 'down' : 'up'}","monitor":{"id":"m-${n % 50}","name":"Auth API","url":"https://api.example.com/auth/health"},"check":{"status":"${n % 2 ? 'down' : 'up'}","status_code":503,"response_time_ms":1200,"reason":"HTTP 503","location":"eu-west","checked_at":"2026-11-23T20:00:00Z"},"incident":{"id":"i-${process.pid}-${n}","started_at":"2026-11-23T19:59:00Z"}}`;
  return { body, headers: { 'content-type': 'application/json', 'x-signature': `sha256=${createHmac('sha256', LAGNIS_SECRET).update(body).digest('hex')}` } };
}
