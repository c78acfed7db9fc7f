import { inspect } from 'node:util';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/config/issues.js';
import { loadConfig } from '../../src/config/load.js';
import { tempDir, writeTree } from '../helpers/temp.js';

const DESIGN_EXAMPLE = `
server:   { host: 127.0.0.1, port: 8787, adminToken: "\${PICKET_ADMIN_TOKEN}", publicUrl: http://127.0.0.1:8787 }
storage:  { path: ./data/picket.db, retention: { raw: 7d, minute: 90d, hour: 2y } }
checksDir: ./checks
services:
  auth:   { name: Authentication API, routes: ["/auth/*"], monitors: ["https://api.example.com/auth/health"] }
  orders: { name: Orders API, routes: ["/v1/orders*"] }
sources:
  lagnis:       { format: lagnis, auth: { type: hmac-sha256, header: X-Signature, secret: "\${LAGNIS_SECRET}" } }
  alertmanager: { format: alertmanager, auth: { type: bearer, token: "\${AM_TOKEN}" } }
telemetry: { token: "\${PICKET_TELEMETRY_TOKEN}" }
channels:
  slack-sec:    { type: slack, url: "\${SLACK_WEBHOOK_URL}" }
  oncall-email: { type: email, smtp: { host: 127.0.0.1, port: 2525, secure: false }, from: picket@example.com, to: [oncall@example.com] }
  block-ip:     { type: webhook, url: http://127.0.0.1:9000/block, secret: "\${BLOCK_SECRET}" }
  console:      { type: console }
escalation:
  policies:
    default:  [ { after: 0s, notify: [slack-sec] }, { after: 10m, notify: [oncall-email] } ]
    critical: [ { after: 0s, notify: [slack-sec, oncall-email] }, { after: 5m, notify: [block-ip] } ]
  routes: [ { match: { severity: critical }, policy: critical }, { match: {}, policy: default } ]
  repeat: 1h
  resolved: true
maintenance: [ { service: orders, cron: "0 2 * * 0", duration: 1h } ]
`;

const DESIGN_CHECKS = `
- id: auth-health          # unique across all files
  service: auth
  kind: http
  url: https://api.example.com/auth/health
  interval: 5s
  timeout: 3s
  expect: { status: [200], latencyMs: 500, body: { contains: ok } }
  failureThreshold: 2
  successThreshold: 2
- id: auth-login
  service: auth
  kind: auth-login
  url: https://api.example.com/auth/login
  interval: 10s
  credentials: { username: "\${PROBE_USER}", password: "\${PROBE_PASS}" }
  expect: { status: [200], tokenPath: $.token }
- id: orders-guard
  service: orders
  kind: auth-guard
  url: https://api.example.com/v1/orders
  interval: 10s
  expect: { status: [401, 403] }
- id: api-tls
  service: auth
  kind: tls
  host: api.example.com
  port: 443
  interval: 1h
  warnDays: 30
  critDays: 7
`;

const ENV = {
  PICKET_ADMIN_TOKEN: 'admin-token-value-123',
  LAGNIS_SECRET: 'lagnis-secret-value-456',
  AM_TOKEN: 'am-token-value-789',
  PICKET_TELEMETRY_TOKEN: 'telemetry-token-value',
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/slack-path-secret',
  BLOCK_SECRET: 'whsec_c2VjcmV0LWZvci1ibG9jaw==',
  PROBE_USER: 'probe@example.com',
  PROBE_PASS: 'probe-password-value',
};

function setup(files: Record<string, string>): string {
  return writeTree(tempDir(), files);
}

function issuesOf(dir: string, env: NodeJS.ProcessEnv = ENV): string[] {
  const result = loadConfig('picket.yaml', { cwd: dir, env });
  if (result.ok) throw new Error('expected configuration errors, got a valid config');
  return result.issues.map(formatIssue);
}

describe('loadConfig', () => {
  it('loads the design example with its checks and applies defaults', () => {
    const dir = setup({ 'picket.yaml': DESIGN_EXAMPLE, 'checks/example.yaml': DESIGN_CHECKS });
    const result = loadConfig('picket.yaml', { cwd: dir, env: ENV });
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
    const c = result.config;
    expect(c.server.port).toBe(8787);
    expect(c.storage.retention).toEqual({ raw: 7 * 86_400_000, minute: 90 * 86_400_000, hour: 2 * 365 * 86_400_000 });
    expect(c.escalation.policies.default![1]!.after).toBe(600_000);
    expect(c.escalation.repeat).toBe(3_600_000);
    expect(c.checks.map((k) => k.id)).toEqual(['auth-health', 'auth-login', 'orders-guard', 'api-tls']);
    const health = c.checks[0]!;
    expect(health.kind).toBe('http');
    expect(health.interval).toBe(5_000);
    expect(health.confirmRetries).toBe(1);
    const guard = c.checks.find((k) => k.kind === 'auth-guard');
    expect(guard?.kind === 'auth-guard' && guard.variants).toEqual(['none', 'malformed', 'alg-none']);
    expect(c.checkOrigins.get('orders-guard')).toEqual({ file: path.join('checks', 'example.yaml'), line: 18 });
  });

  it('keeps secrets out of every printed or serialized form of the config', () => {
    const dir = setup({ 'picket.yaml': DESIGN_EXAMPLE, 'checks/example.yaml': DESIGN_CHECKS });
    const result = loadConfig('picket.yaml', { cwd: dir, env: ENV });
    if (!result.ok) throw new Error('config should load');
    const printed = JSON.stringify(result.config) + inspect(result.config, { depth: 20 }) + String(result.config.server.adminToken);
    for (const [name, value] of Object.entries(ENV)) {
      if (name === 'PROBE_USER') continue;
      expect(printed, name).not.toContain(value);
    }
    expect(result.config.server.adminToken?.reveal()).toBe(ENV.PICKET_ADMIN_TOKEN);
    const login = result.config.checks.find((k) => k.kind === 'auth-login');
    expect(login?.kind === 'auth-login' && login.credentials.password.reveal()).toBe(ENV.PROBE_PASS);
  });

  it('interpolates ${VAR:-default} and leaves $${VAR} literal', () => {
    const dir = setup({
      'picket.yaml': 'server:\n  host: "${HOST:-127.0.0.1}"\n  port: "${PORT}"\n  publicUrl: "http://${HOST:-localhost}:8787/$${NOT_A_VAR}"\n',
    });
    const result = loadConfig('picket.yaml', { cwd: dir, env: { PORT: '9999' } });
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
    expect(result.config.server.host).toBe('127.0.0.1');
    expect(result.config.server.port).toBe(9999);
    expect(result.config.server.publicUrl).toBe('http://localhost:8787/${NOT_A_VAR}');
  });

  it('a secret with YAML-special characters cannot change the document structure', () => {
    const dir = setup({ 'picket.yaml': 'telemetry: { token: "${TOKEN}" }\n' });
    const result = loadConfig('picket.yaml', { cwd: dir, env: { TOKEN: 'a: b\n  c: [d, "e"] # f' } });
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
    expect(result.config.telemetry.token?.reveal()).toBe('a: b\n  c: [d, "e"] # f');
  });

  it('names a missing environment variable with its line', () => {
    const dir = setup({ 'picket.yaml': 'server:\n  port: 8787\n  adminToken: "${PICKET_ADMIN_TOKEN}"\n' });
    expect(issuesOf(dir, {})).toEqual([
      'picket.yaml:3: server.adminToken: environment variable PICKET_ADMIN_TOKEN is not set (write ${PICKET_ADMIN_TOKEN:-default} for a default)',
    ]);
  });

  it('reports a bad duration with its line', () => {
    const dir = setup({ 'picket.yaml': 'storage:\n  path: ./x.db\n  retention:\n    raw: 7days\n' });
    expect(issuesOf(dir)).toEqual([
      'picket.yaml:4: storage.retention.raw: expected a duration such as 500ms, 5s, 10m, 1h, 7d, got "7days"',
    ]);
  });

  it('reports an unknown key instead of ignoring it', () => {
    const dir = setup({
      'picket.yaml': 'services:\n  auth: {}\n',
      'checks/a.yaml': '- id: a\n  service: auth\n  kind: http\n  url: http://127.0.0.1:1/\n  failureTreshold: 3\n',
    });
    expect(issuesOf(dir)).toEqual([
      'checks/a.yaml:5: checks[0].failureTreshold: unknown key (misspelled? unknown keys are not ignored)',
    ]);
  });

  it('reports a duplicate check id across files with both places', () => {
    const check = (id: string) => `- id: ${id}\n  service: auth\n  kind: http\n  url: http://127.0.0.1:1/\n`;
    const dir = setup({
      'picket.yaml': 'services:\n  auth: {}\n',
      'checks/a.yaml': check('one') + check('two'),
      'checks/b.yml': check('three') + check('two'),
    });
    expect(issuesOf(dir)).toEqual(['checks/b.yml:5: checks[1].id: duplicate check id "two" (first defined at checks/a.yaml:5)']);
  });

  it('reports YAML syntax errors with their line', () => {
    const dir = setup({ 'picket.yaml': 'server:\n  host: 127.0.0.1\n  port: [8787\n' });
    const issues = issuesOf(dir);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]).toMatch(/^picket\.yaml:\d+: \(syntax\): /);
  });

  it('reports duplicate keys in one mapping', () => {
    const dir = setup({ 'picket.yaml': 'server:\n  port: 1\n  port: 2\n' });
    expect(issuesOf(dir)).toEqual(['picket.yaml:3: server.port: duplicate key (the later value would silently win)']);
  });

  it('reports references to undefined services, channels and policies', () => {
    const dir = setup({
      'picket.yaml': [
        'services:',
        '  auth: {}',
        'channels:',
        '  console: { type: console }',
        'escalation:',
        '  policies:',
        '    default: [ { after: 0s, notify: [console, slak] } ]',
        '  routes:',
        '    - { match: { severity: critical }, policy: critcal }',
        '    - { match: { class: attack.brute }, policy: default }',
        'maintenance:',
        '  - { service: ordrs, cron: "0 2 * * 0", duration: 1h }',
        '  - { service: auth, cron: "99 2 * * 0", duration: 1h }',
        '',
      ].join('\n'),
      'checks/a.yaml': '- id: a\n  service: aut\n  kind: http\n  url: http://127.0.0.1:1/\n',
    });
    const issues = issuesOf(dir);
    expect(issues).toEqual([
      'checks/a.yaml:2: checks[0].service: unknown service "aut" (defined: auth)',
      'picket.yaml:7: escalation.policies.default[0].notify[1]: unknown channel "slak" (defined: console)',
      'picket.yaml:9: escalation.routes[0].policy: unknown policy "critcal" (defined: default)',
      expect.stringMatching(/^picket\.yaml:10: escalation\.routes\[1\]\.match\.class: "attack\.brute" matches no incident class/),
      'picket.yaml:12: maintenance[0].service: unknown service "ordrs" (defined: auth)',
      expect.stringMatching(/^picket\.yaml:13: maintenance\[1\]\.cron: invalid cron expression "99 2 \* \* 0"/),
    ]);
  });

  it('reports every error of every file at once, in file and line order', () => {
    const dir = setup({
      'picket.yaml': 'server:\n  port: seventy\n  hots: 1.2.3.4\nservices:\n  auth: {}\n',
      'checks/a.yaml': [
        '- id: a',
        '  service: auth',
        '  kind: htp',
        '  url: http://127.0.0.1:1/',
        '- id: b',
        '  service: auth',
        '  kind: http',
        '  url: not a url',
        '  interval: 500ms',
        '',
      ].join('\n'),
    });
    const issues = issuesOf(dir);
    expect(issues).toEqual([
      'checks/a.yaml:3: checks[0].kind: unknown kind "htp" (one of: http, auth-login, auth-guard, tls, headers)',
      'checks/a.yaml:8: checks[1].url: expected an http:// or https:// URL',
      'checks/a.yaml:9: checks[1].interval: must be at least 1s, got 500ms',
      'picket.yaml:2: server.port: Invalid input: expected number, received string',
      'picket.yaml:3: server.hots: unknown key (misspelled? unknown keys are not ignored)',
    ]);
  });

  it('says "required" for a missing key, at the line of its parent', () => {
    const dir = setup({ 'picket.yaml': 'services:\n  auth: {}\n', 'checks/a.yaml': '- id: a\n  service: auth\n  kind: tls\n' });
    expect(issuesOf(dir)).toEqual(['checks/a.yaml:1: checks[0].host: required']);
  });

  it('treats a missing default checks folder as no checks, but a missing named one as an error', () => {
    const none = setup({ 'picket.yaml': 'services: {}\n' });
    const ok = loadConfig('picket.yaml', { cwd: none, env: {} });
    expect(ok.ok && ok.config.checks).toEqual([]);
    const named = setup({ 'picket.yaml': 'checksDir: ./chekcs\n' });
    expect(issuesOf(named)[0]).toMatch(/^picket\.yaml:1: checksDir: cannot read folder .*chekcs: ENOENT/);
  });

  it('rejects a check file that is not a list', () => {
    const dir = setup({ 'picket.yaml': 'services: {}\n', 'checks/a.yaml': 'id: a\nkind: http\n' });
    expect(issuesOf(dir)).toEqual(['checks/a.yaml:1: checks: a check file is a list of checks (each item starts with "- id: …")']);
  });

  it('reports a file it cannot read', () => {
    const dir = tempDir();
    expect(issuesOf(dir)).toEqual(['picket.yaml:1: (file): cannot read: ENOENT']);
  });
});
