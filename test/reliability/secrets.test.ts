import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { startPicketProcess } from '../helpers/process-picket.js';
import { startServer } from '../helpers/servers.js';
import { startSlack } from '../helpers/slack.js';
import { tempDir, writeTree } from '../helpers/temp.js';

/** Every kind of secret picket holds, each a string that cannot appear by chance. */
const SECRETS = {
  ADMIN_TOKEN: 'sekrit-admin-7f3a9c',
  READ_TOKEN: 'sekrit-read-2b8d41',
  TELEMETRY_TOKEN: 'sekrit-telemetry-90ce1d',
  HMAC_SECRET: 'sekrit-hmac-5e77a0',
  BEARER_TOKEN: 'sekrit-bearer-c4f210',
  BASIC_PASSWORD: 'sekrit-basic-81d9e3',
  PROBE_USER: 'sekrit-probe-user-3a1f',
  PROBE_PASSWORD: 'sekrit-probe-pass-66b0',
  SMTP_PASSWORD: 'sekrit-smtp-pass-0d4e',
  SLACK_PATH: 'sekrit-slack-path-a9f3e7',
  WEBHOOK_SECRET: 'whsec_c2Vrcml0LXdlYmhvb2stc2VjcmV0LTEyMzQ1Ng==',
};
/** The token the probed login answers with: a credential picket sees but must not keep. */
const SESSION_TOKEN = 'sekrit-session-token-44c2';

describe('secrets never leak', () => {
  it('appear in no log line at trace level, no database byte, no API answer, dashboard page or metric', async () => {
    let loginHealthy = true;
    const api = await startServer((req, res, body) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/auth/login') {
        const ok = loginHealthy && body.includes(SECRETS.PROBE_USER) && body.includes(SECRETS.PROBE_PASSWORD);
        res.statusCode = ok ? 200 : 503;
        return res.end(ok ? JSON.stringify({ token: SESSION_TOKEN }) : '{"error":"down"}');
      }
      res.statusCode = 401;
      res.end('{"error":"auth required"}');
    });
    const slack = await startSlack();
    const hook = await startServer((_req, res) => res.end('ok'));
    const mails: string[] = [];
    const smtp = new SMTPServer({
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth: (auth, _session, cb) => (auth.password === SECRETS.SMTP_PASSWORD ? cb(null, { user: auth.username }) : cb(new Error('bad credentials'))),
      onData: (stream, _session, cb) => {
        let text = '';
        stream.on('data', (d: Buffer) => (text += d.toString()));
        stream.on('end', () => (mails.push(text), cb()));
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    afterAll(() => new Promise<void>((r) => smtp.close(() => r())));
    const smtpPort = (smtp.server.address() as AddressInfo).port;

    const dir = writeTree(tempDir(), {
      'picket.yaml': `server: { host: 127.0.0.1, port: 0, adminToken: "\${ADMIN_TOKEN}", readToken: "\${READ_TOKEN}" }
storage: { path: ./picket.db }
services:
  auth: { routes: ["/auth/*"] }
sources:
  lagnis: { format: lagnis, auth: { type: hmac-sha256, header: X-Signature, secret: "\${HMAC_SECRET}" } }
  am: { format: alertmanager, auth: { type: bearer, token: "\${BEARER_TOKEN}" } }
  robot: { format: uptimerobot, auth: { type: basic, username: robot, password: "\${BASIC_PASSWORD}" } }
telemetry: { token: "\${TELEMETRY_TOKEN}" }
channels:
  slack: { type: slack, url: "${slack.server.url}/services/T01/B01/\${SLACK_PATH}" }
  mail: { type: email, smtp: { host: 127.0.0.1, port: ${smtpPort}, user: picket, password: "\${SMTP_PASSWORD}" }, from: picket@example.com, to: [oncall@example.com] }
  hook: { type: webhook, url: "${hook.url}/actions", secret: "\${WEBHOOK_SECRET}" }
escalation:
  policies: { default: [ { after: 0s, notify: [slack, mail, hook] } ] }
  routes: [ { match: {}, policy: default } ]
`,
      'checks/auth.yaml': `- { id: auth-login, service: auth, kind: auth-login, url: "${api.url}/auth/login", interval: 1s, failureThreshold: 1, confirmRetries: 0, credentials: { username: "\${PROBE_USER}", password: "\${PROBE_PASSWORD}" }, expect: { tokenPath: $.token } }\n`,
    });
    // At trace level, the most talkative there is. Then every path that handles a secret is driven.
    const p = await startPicketProcess(dir, SECRETS, 'trace');
    const answers: string[] = [];
    const read = async (url: string, init: RequestInit = {}) => {
      const res = await fetch(url, { ...init, headers: { authorization: `Bearer ${SECRETS.READ_TOKEN}`, ...(init.headers as Record<string, string>) } });
      answers.push(`${url} ${res.status} ${JSON.stringify(Object.fromEntries(res.headers))} ${await res.text()}`);
      return res;
    };
    const body = JSON.stringify({ event: 'monitor.down', monitor: { id: 'm-1', url: 'https://api.example.com/auth/health' }, check: { status: 'down' } });
    await read(`${p.url}/ingest/lagnis`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-signature': createHmac('sha256', SECRETS.HMAC_SECRET).update(body).digest('hex') } });
    await read(`${p.url}/ingest/lagnis`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-signature': 'deadbeef' } });
    await read(`${p.url}/ingest/am`, { method: 'POST', body: '{"version":"4","alerts":[]}', headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRETS.BEARER_TOKEN}x` } });
    await read(`${p.url}/ingest/robot`, { method: 'POST', body: 'alertType=1&monitorID=5', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`robot:${SECRETS.BASIC_PASSWORD}`).toString('base64')}` } });
    await read(`${p.url}/v1/events`, { method: 'POST', body: JSON.stringify([{ ts: Date.now(), route: '/auth/login', status: 401, ip: '203.0.113.2', user: 'x' }]), headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRETS.TELEMETRY_TOKEN}` } });
    await new Promise((r) => setTimeout(r, 1_500));
    loginHealthy = false;
    for (let i = 0; i < 100 && (slack.accepted.length === 0 || mails.length === 0); i++) await new Promise((r) => setTimeout(r, 100));
    expect(slack.accepted.length).toBeGreaterThan(0);
    expect(mails.length).toBeGreaterThan(0);
    await read(`${p.url}/api/v1/incidents/1/ack`, { method: 'POST', headers: { authorization: `Bearer ${SECRETS.ADMIN_TOKEN}` } });
    await read(`${p.url}/api/v1/incidents/1/ack`, { method: 'POST', headers: { authorization: `Bearer ${SECRETS.ADMIN_TOKEN}x` } });
    for (const route of ['/api/v1/checks', '/api/v1/checks/auth-login', '/api/v1/checks/auth-login/history', '/api/v1/incidents', '/api/v1/incidents/1', '/api/v1/outbox', '/api/v1/services', '/api/v1/silences?all=1', '/api/v1/external-events', '/', '/incidents/1', '/checks/auth-login', '/metrics', '/readyz']) {
      expect((await read(`${p.url}${route}`)).status, route).toBe(200);
    }
    p.proc.child.kill('SIGTERM');
    await p.proc.done;
    const logs = p.proc.output;

    const files = readdirSync(dir).filter((f) => f.startsWith('picket.db'));
    expect(files).toContain('picket.db');
    const database = Buffer.concat(files.map((f) => readFileSync(path.join(dir, f))));
    const outputs: [string, string | Buffer][] = [
      ['logs', logs],
      ['answers', answers.join('\n')],
      ['database', database],
    ];
    for (const [name, secret] of [...Object.entries(SECRETS), ['SESSION_TOKEN', SESSION_TOKEN]]) {
      for (const [where, text] of outputs) {
        const found = typeof text === 'string' ? text.includes(secret!) : text.includes(Buffer.from(secret!));
        expect(found, `${name} found in ${where}`).toBe(false);
      }
    }
    // The scan looked at real output: the logs and the database hold the run's facts.
    expect(logs).toMatch(/"msg":"listening"/);
    expect(database.includes(Buffer.from('auth-login'))).toBe(true);
  }, 60_000);
});
