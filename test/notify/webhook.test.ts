import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import * as standardWebhooks from '../../src/ingest/auth/standard-webhooks.js';
import { send } from '../../src/notify/channels/webhook.js';
import { page } from '../helpers/notifications.js';
import { startServer } from '../helpers/servers.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('webhook channel', () => {
  it('posts the incident document signed with Standard Webhooks headers the receiver can verify', async () => {
    let status = 204;
    const server = await startServer((_req, res) => {
      res.statusCode = status;
      res.end();
    });
    expect(await send(page(), { url: `${server.url}/block`, secret: new Secret(SECRET), timeout: 2_000, ratePerSecond: 10 })).toEqual({ ok: true });
    const req = server.requests.at(-1)!;
    const verdict = standardWebhooks.verify({ secret: new Secret(SECRET), tolerance: 300_000 }, { headers: req.headers, body: Buffer.from(req.body) }, Date.now());
    expect(verdict).toMatchObject({ ok: true, deliveryId: expect.stringMatching(/^msg_/) });
    expect(JSON.parse(req.body)).toMatchObject({
      type: 'incident.page',
      idempotencyKey: '12|page:critical:0|slack-sec',
      incident: { id: 12, class: 'attack.credential_stuffing', severity: 'critical', service: 'auth', state: 'open', evidence: { ips: [{ key: '203.0.113.9', count: 120 }, { key: '198.51.100.77', count: 80 }] } },
    });
    // A retried delivery carries the same webhook-id, so the receiver can drop it.
    await send(page(), { url: `${server.url}/block`, secret: new Secret(SECRET), timeout: 2_000, ratePerSecond: 10 });
    expect(server.requests.at(-1)!.headers['webhook-id']).toBe(req.headers['webhook-id']);

    status = 503;
    expect(await send(page(), { url: server.url, timeout: 2_000, ratePerSecond: 10 })).toMatchObject({ ok: false, retryable: true });
    status = 404;
    expect(await send(page(), { url: server.url, timeout: 2_000, ratePerSecond: 10 })).toMatchObject({ ok: false, retryable: false });
  });
});
