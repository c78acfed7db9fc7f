import { beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import { render, send } from '../../src/notify/channels/slack.js';
import { facts, page } from '../helpers/notifications.js';
import { startSlack, validBlocks, type SlackStandIn } from '../helpers/slack.js';

let slack: SlackStandIn;
const cfg = () => ({ url: new Secret(slack.url), timeout: 500, ratePerSecond: 1 });

beforeAll(async () => {
  slack = await startSlack();
});

describe('slack channel', () => {
  it('sends Block Kit with severity and class in the header, the facts, the evidence and a dashboard link', async () => {
    slack.mode = 'ok';
    expect(await send(page(), cfg())).toEqual({ ok: true });
    const msg = slack.accepted.at(-1)!;
    expect(msg.text).toMatch(/^\[picket CRITICAL\] auth: possible credential stuffing: auth: 3120 failed logins/);
    const all = JSON.stringify(msg.blocks);
    expect(msg.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: ':rotating_light: auth: possible credential stuffing' } });
    for (const fact of ['*Service*\\nauth', '*Severity*\\ncritical', '*Class*\\nattack.credential_stuffing', '*Started*\\n2026-11-23 20:00:00 UTC', '203.0.113.9 (120)', 'alice@example.com (3)', 'AS9009 (900)', '401: 3100', 'login failed: HTTP 503', '<http://127.0.0.1:8787/incidents/12|open in the dashboard>']) {
      expect(all).toContain(fact);
    }
  });

  it('cuts evidence to stay within Slack limits instead of failing', async () => {
    const huge = facts({
      summary: 'x'.repeat(10_000),
      evidence: { ips: Array.from({ length: 500 }, (_, i) => ({ key: `203.0.113.${i % 250}`, count: 500 - i })), users: Array.from({ length: 500 }, (_, i) => ({ key: `u${i}@example.com`.repeat(20), count: 1 })) },
    });
    const rendered = render(page({ incident: huge }));
    expect(validBlocks(rendered)).toBe(true);
    slack.mode = 'ok';
    expect(await send(page({ incident: huge }), cfg())).toEqual({ ok: true });
  });

  it('renders a storm of many incidents within 50 blocks', () => {
    const many = Array.from({ length: 120 }, (_, i) => facts({ id: i, service: `svc${i}`, class: 'outage', title: 'outage' }));
    const r = render({ kind: 'storm', key: 'storm:1|slack', createdAt: 0, incidents: many });
    expect(r.blocks.length).toBeLessThanOrEqual(50);
    expect(validBlocks(r)).toBe(true);
    expect(r.text).toMatch(/^\[picket CRITICAL\] 120 incidents at once/);
  });

  it.each([
    ['error', { ok: false, retryable: true }],
    ['rate_limited', { ok: false, retryable: true, retryAfterMs: 7_000 }],
    ['invalid_blocks', { ok: false, retryable: false }],
    ['no_service', { ok: false, retryable: false }],
    ['archived', { ok: false, retryable: false }],
    ['hang', { ok: false, retryable: true }],
  ] as const)('says whether a %s answer is worth retrying', async (mode, expected) => {
    slack.mode = mode;
    slack.retryAfter = 7;
    const r = await send(page(), cfg());
    expect(r).toMatchObject(expected);
    if (!r.ok) expect(r.reason).not.toContain(slack.url);
  });

  it('is retryable when Slack cannot be reached', async () => {
    const r = await send(page(), { url: new Secret('http://127.0.0.1:9/services/x'), timeout: 500, ratePerSecond: 1 });
    expect(r).toMatchObject({ ok: false, retryable: true });
  });
});
