import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, parseDocument, visit, type Document } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { formatIssue } from '../../src/config/issues.js';
import { runCli } from '../helpers/cli.js';
import { tempDir, writeTree } from '../helpers/temp.js';

/** A configuration that uses every section, so every field type is there to be broken. */
const PICKET = `server: { host: 127.0.0.1, port: 8787, adminToken: admin-token, readToken: read-token, publicUrl: "http://127.0.0.1:8787" }
storage: { path: ./picket.db, retention: { raw: 7d, minute: 90d, hour: 2y } }
checksDir: ./checks
services:
  auth: { name: Authentication API, routes: ["/auth/*"], monitors: ["https://api.example.com/auth/health"] }
sources:
  lagnis: { format: lagnis, auth: { type: hmac-sha256, header: X-Signature, prefix: "sha256=", secret: s3cret }, maxBodyBytes: 64KiB, rateLimit: 50 }
  am: { format: alertmanager, auth: { type: bearer, token: am-token } }
telemetry: { token: tele-token, maxBatchRecords: 5000, maxBatchBytes: 2MiB }
channels:
  slack: { type: slack, url: "https://hooks.slack.com/services/T/B/X", ratePerSecond: 1 }
  mail: { type: email, smtp: { host: 127.0.0.1, port: 2525, secure: false }, from: picket@example.com, to: [oncall@example.com] }
  hook: { type: webhook, url: "http://127.0.0.1:9000/block", secret: hook-secret }
escalation:
  policies:
    default: [ { after: 0s, notify: [slack] }, { after: 10m, notify: [mail] } ]
  routes: [ { match: { severity: critical }, policy: default } ]
  repeat: 1h
  resolved: true
maintenance: [ { service: auth, cron: "0 2 * * 0", duration: 1h } ]
detect:
  quietPeriod: 10m
  credentialStuffing: { window: 15m, attempts: 25, users: 15 }
`;
const CHECKS = `- id: auth-login
  service: auth
  kind: auth-login
  url: https://api.example.com/auth/login
  interval: 10s
  timeout: 3s
  credentials: { username: probe, password: pw }
  expect: { status: [200], tokenPath: $.token, latencyMs: 500 }
  failureThreshold: 2
- id: auth-tls
  service: auth
  kind: tls
  host: api.example.com
  port: 443
  interval: 1h
  warnDays: 30
  critDays: 7
`;

/** Values of the wrong type for a node: a mapping where a scalar belongs, text where a number, a list, or a boolean does. */
function wrongValues(value: unknown): unknown[] {
  if (typeof value === 'number') return ['not a number', -1, { nested: true }];
  if (typeof value === 'boolean') return ['perhaps', { nested: true }];
  if (typeof value === 'string') return [{ nested: true }, ['a', 'list']];
  return [];
}

interface Mutation {
  where: string;
  doc: Document;
}

/** Every scalar of the document replaced, one at a time, by each wrong value; and every list by a scalar. */
function* mutations(source: string): Generator<Mutation> {
  const original = parseDocument(source);
  const paths: { path: (string | number)[]; value: unknown; seq: boolean }[] = [];
  visit(original, {
    Scalar(_key, node, ancestors) {
      if (ancestors.at(-1) && isScalar(node) && !(isMap(ancestors.at(-1)) && (ancestors.at(-1) as { items: { key: unknown }[] }).items.some((p) => p.key === node))) {
        paths.push({ path: pathOf(ancestors, node), value: node.value, seq: false });
      }
    },
    Seq(_key, node, ancestors) {
      paths.push({ path: pathOf(ancestors, node), value: undefined, seq: true });
    },
  });
  for (const { path: p, value, seq } of paths) {
    for (const wrong of seq ? ['not a list'] : wrongValues(value)) {
      // A string that is free text (a name) can be any text, but never a mapping or list; numbers that are
      // negative may be allowed where any integer is; only type-level mistakes are asserted.
      if (typeof wrong === 'number' && typeof value === 'number') continue;
      const doc = parseDocument(source);
      if (!seq && !isScalar(doc.getIn(p, true))) continue;
      doc.setIn(p, doc.createNode(wrong));
      yield { where: `${p.join('.')} = ${JSON.stringify(wrong)}`, doc };
    }
  }
}

function pathOf(ancestors: readonly unknown[], node: unknown): (string | number)[] {
  const out: (string | number)[] = [];
  const chain = [...ancestors, node];
  for (let i = 1; i < chain.length; i++) {
    const parent = chain[i - 1];
    const child = chain[i];
    if (isSeq(parent)) out.push(parent.items.indexOf(child as never));
    if (isMap(parent)) {
      const pair = parent.items.find((p) => p === child);
      if (pair) out.push(String((pair.key as { value: unknown }).value));
    }
  }
  return out;
}

describe('configuration fed wrong values', () => {
  it('both files load as written', () => {
    const dir = writeTree(tempDir(), { 'picket.yaml': PICKET, 'checks/a.yaml': CHECKS });
    const r = loadConfig('picket.yaml', { cwd: dir, env: {} });
    expect(r.ok ? [] : r.issues.map(formatIssue)).toEqual([]);
  });

  it('refuses every field of the wrong type, with file:line: path: message', () => {
    const dir = writeTree(tempDir(), { 'picket.yaml': PICKET, 'checks/a.yaml': CHECKS });
    let tried = 0;
    const accepted: string[] = [];
    for (const [file, source] of [
      ['picket.yaml', PICKET],
      ['checks/a.yaml', CHECKS],
    ] as const) {
      for (const m of mutations(source)) {
        writeFileSync(path.join(dir, file), m.doc.toString());
        const r = loadConfig('picket.yaml', { cwd: dir, env: {} });
        tried++;
        if (r.ok) {
          accepted.push(`${file}: ${m.where}`);
          continue;
        }
        for (const issue of r.issues) expect(formatIssue(issue)).toMatch(/^(picket\.yaml|checks\/a\.yaml):\d+: \S+: \S.*$/);
      }
      writeFileSync(path.join(dir, file), source);
    }
    expect(tried).toBeGreaterThan(150);
    expect(accepted).toEqual([]);
  });

  it('picket start refuses a broken file and never listens', async () => {
    const dir = writeTree(tempDir(), { 'picket.yaml': PICKET.replace('port: 8787', 'port: eighty').replace('8787" }', '8787" }\n'), 'checks/a.yaml': CHECKS.replace('interval: 10s', 'interval: often') });
    const r = await runCli(['start'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^picket\.yaml:1: server\.port: /m);
    expect(r.stderr).toMatch(/^checks\/a\.yaml:5: checks\[0\]\.interval: /m);
    expect(r.stdout).not.toContain('listening');
  });
});
