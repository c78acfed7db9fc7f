import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { post, startPicket } from '../helpers/picket.js';
import { startServer } from '../helpers/servers.js';
import { startSlack } from '../helpers/slack.js';
import { startSmtp } from '../helpers/smtp.js';

const until = async (cond: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return cond();
};

describe('from a failing login to Slack and email', () => {
  it('pages Slack within seconds, escalates to email, and tells both when it recovers', async () => {
    let healthy = true;
    const api = await startServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.statusCode = healthy ? 200 : 503;
      res.end(healthy ? '{"token":"t"}' : '{"error":"down"}');
    });
    const slack = await startSlack();
    const box = await startSmtp();
    const picket = await startPicket(
      `
services:
  auth: { routes: ["/auth/*"] }
channels:
  slack: { type: slack, url: "\${SLACK_URL}" }
  mail: { type: email, smtp: { host: 127.0.0.1, port: ${box.port} }, from: picket@example.com, to: [oncall@example.com] }
escalation:
  policies:
    default: [ { after: 0s, notify: [slack] }, { after: 3s, notify: [mail] } ]
    critical: [ { after: 0s, notify: [slack] }, { after: 3s, notify: [mail] } ]
  routes: [ { match: { severity: critical }, policy: critical }, { match: {}, policy: default } ]
`,
      {
        env: { SLACK_URL: slack.url },
        files: {
          'checks/auth.yaml': `- { id: auth-login, service: auth, kind: auth-login, url: "${api.url}/auth/login", interval: 1s, timeout: 1s, failureThreshold: 1, successThreshold: 1, confirmRetries: 1, credentials: { username: probe, password: "\${PROBE_PASS:-pw}" }, expect: { tokenPath: $.token } }\n`,
        },
      },
    );
    await until(() => api.requests.length > 2);
    healthy = false;
    const failedAt = Date.now();
    expect(await until(() => slack.accepted.length > 0)).toBe(true);
    expect(Date.now() - failedAt).toBeLessThan(5_000);
    expect(slack.accepted[0]!.text).toMatch(/^\[picket (WARNING|CRITICAL)\] auth: outage/);
    expect(await until(() => box.mails.length > 0, 10_000)).toBe(true);
    expect(box.mails[0]!.subject).toMatch(/auth: outage/);
    healthy = true;
    expect(await until(() => slack.accepted.some((m) => m.text.startsWith('[picket RESOLVED]')) && box.mails.some((m) => m.subject?.startsWith('[picket RESOLVED]')))).toBe(true);
    const rows = picket.runtime.store.outbox.list({ limit: 50 });
    expect(rows.every((r) => r.state === 'delivered')).toBe(true);
    await picket.stop();
  });
});

describe('silences over the API and the CLI', () => {
  it('needs the admin token, and holds pages for the silenced service', async () => {
    const picket = await startPicket('server: { host: 127.0.0.1, port: 0, adminToken: "${ADMIN}" }\nservices:\n  auth: {}\n', { env: { ADMIN: 'admin-secret-1' } });
    const body = JSON.stringify({ service: 'auth', for: '30m', reason: 'deploy' });
    expect((await post(`${picket.url}/api/v1/silences`, body, { 'content-type': 'application/json' })).status).toBe(401);
    expect((await post(`${picket.url}/api/v1/silences`, body, { 'content-type': 'application/json', authorization: 'Bearer wrong' })).status).toBe(401);
    const created = await post(`${picket.url}/api/v1/silences`, body, { 'content-type': 'application/json', authorization: 'Bearer admin-secret-1' });
    expect(created).toMatchObject({ status: 201, body: { silence: { id: 1, service: 'auth', reason: 'deploy' } } });
    const bad = await post(`${picket.url}/api/v1/silences`, JSON.stringify({ reason: 'x', for: '1h' }), { 'content-type': 'application/json', authorization: 'Bearer admin-secret-1' });
    expect(bad).toMatchObject({ status: 400, body: { error: 'bad_request', detail: 'a silence needs a service, a class or a check' } });

    const cli = await runCli(['silence', '--url', picket.url, '--token', 'admin-secret-1', '--class', 'attack.*', '--for', '2h', '--reason', 'pen test']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/^silence #2: class attack\.\* until \d{4}-/);
    const list = (await (await fetch(`${picket.url}/api/v1/silences`)).json()) as { silences: { id: number }[] };
    expect(list.silences.map((s) => s.id)).toEqual([1, 2]);
    const refused = await runCli(['silence', '--url', picket.url, '--token', 'nope', '--service', 'auth', '--for', '1h', '--reason', 'x']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/picket answered 401/);
  });
});

describe('picket notify test', () => {
  it('sends a test message through the real channel and says what happened', async () => {
    const slack = await startSlack();
    const dir = (await import('../helpers/temp.js')).writeTree((await import('../helpers/temp.js')).tempDir(), {
      'picket.yaml': `channels:\n  slack: { type: slack, url: "${slack.url}" }\n  gone: { type: slack, url: "${slack.url}" }\n`,
    });
    const ok = await runCli(['notify', 'test', 'slack'], { cwd: dir });
    expect(ok.stdout).toBe('slack (slack): delivered\n');
    expect(slack.accepted[0]!.text).toBe('[picket] test notification');
    slack.mode = 'archived';
    const failed = await runCli(['notify', 'test', 'gone'], { cwd: dir });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^gone \(slack\): failed, permanent: Slack answered 410 channel_is_archived/);
    expect(failed.stdout).not.toContain('XXXXXXXX');
  });
});
