import { createHash } from 'node:crypto';
import got from 'got';
import { z } from 'zod';
import { duration } from '../../config/duration.js';
import { httpUrl } from '../../config/fields.js';
import { secret, type Secret } from '../../config/secret.js';
import { sign, signingKey } from '../../standard-webhooks.js';
import { packageInfo } from '../../package-info.js';
import { httpDelivery, parseRetryAfter, retryable, type Delivery } from '../delivery.js';
import type { Notification } from '../notification.js';

export const kind = 'webhook';

export const schema = z.object({
  url: httpUrl(),
  /** Signs each delivery with the Standard Webhooks headers; `whsec_…` or any text. */
  secret: secret().optional(),
  timeout: duration().prefault('10s'),
  ratePerSecond: z.number().positive().default(10),
});

type WebhookConfig = z.output<typeof schema> & { secret?: Secret };

/** The JSON incident document automation receives: what happened, the incident, and the idempotency key. */
export function render(n: Notification): Record<string, unknown> {
  return {
    type: `incident.${n.kind}`,
    idempotencyKey: n.key,
    sentAt: new Date(n.createdAt).toISOString(),
    ...(n.note ? { note: n.note } : {}),
    ...(n.incident
      ? {
          incident: {
            id: n.incident.id,
            class: n.incident.class,
            severity: n.incident.severity,
            service: n.incident.service,
            state: n.incident.state,
            summary: n.incident.summary,
            openedAt: new Date(n.incident.openedAt).toISOString(),
            resolvedAt: n.incident.resolvedAt === undefined ? null : new Date(n.incident.resolvedAt).toISOString(),
            evidence: n.incident.evidence,
            url: n.incident.url,
          },
        }
      : {}),
    ...(n.incidents ? { incidents: n.incidents.map((i) => ({ id: i.id, class: i.class, severity: i.severity, service: i.service, summary: i.summary, url: i.url })) } : {}),
  };
}

/**
 * POSTs the document, signed with Standard Webhooks headers: `webhook-id` is stable per delivery (the receiver
 * drops a retried one it already has), `webhook-signature` covers id, timestamp and body.
 */
export async function send(n: Notification, cfg: WebhookConfig): Promise<Delivery> {
  const body = JSON.stringify(render(n));
  const id = `msg_${createHash('sha256').update(n.key).digest('base64url').slice(0, 24)}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': `picket/${packageInfo.version}`, 'webhook-id': id, 'webhook-timestamp': timestamp };
  if (cfg.secret) headers['webhook-signature'] = sign(signingKey(cfg.secret.reveal()), id, timestamp, body);
  try {
    const res = await got.post(cfg.url, { body, headers, throwHttpErrors: false, retry: { limit: 0 }, timeout: { request: cfg.timeout }, followRedirect: false });
    return httpDelivery(res.statusCode, `webhook answered ${res.statusCode}`, parseRetryAfter(res.headers['retry-after'] as string | undefined));
  } catch (err) {
    return retryable(`webhook unreachable: ${(err as Error).message.slice(0, 120)}`);
  }
}
