import fc from 'fast-check';
import { appendFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_OUTPUT } from '../helpers/browser.js';
import { fixture } from '../helpers/fixtures.js';
import { startPicket, type TestPicket } from '../helpers/picket.js';

/** Bodies per format (FUZZ_RUNS sets another count for a longer hunt); sent 32 at a time over keep-alive connections. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const CONCURRENCY = 32;
/** What the design allows a malformed body to get; anything else (a 5xx above all) is a defect. */
const WEBHOOK_CODES = new Set([202, 400, 413, 415, 422]);
const TELEMETRY_CODES = new Set([202, 400, 413, 415]);

const FORMATS: Record<string, { fixture: string; contentType: string }> = {
  lagnis: { fixture: 'webhooks/lagnis-down.json', contentType: 'application/json' },
  alertmanager: { fixture: 'webhooks/alertmanager-mixed.json', contentType: 'application/json' },
  grafana: { fixture: 'webhooks/grafana-firing.json', contentType: 'application/json' },
  uptimekuma: { fixture: 'webhooks/uptimekuma-down.json', contentType: 'application/json' },
  uptimerobot: { fixture: 'webhooks/uptimerobot-down.json', contentType: 'application/json' },
  pingdom: { fixture: 'webhooks/pingdom-down.json', contentType: 'application/json' },
  betterstack: { fixture: 'webhooks/betterstack-started.json', contentType: 'application/json' },
  generic: { fixture: 'webhooks/generic-statuspage.json', contentType: 'application/json' },
};

let picket: TestPicket;
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

beforeAll(async () => {
  mkdirSync(TEST_OUTPUT, { recursive: true });
  const sources = Object.keys(FORMATS)
    .map((f) =>
      f === 'generic'
        ? `  generic: { format: generic, auth: { type: none }, rateLimit: 1000000, paths: { state: $.update.new_status, monitorKey: $.component.id, url: $.component.link, statusCode: $.update.http, time: $.update.at, eventId: $.update.id } }`
        : `  ${f}: { format: ${f}, auth: { type: none }, rateLimit: 1000000 }`,
    )
    .join('\n');
  picket = await startPicket(`services:\n  auth: { routes: ["/auth/*"] }\nsources:\n${sources}\ntelemetry: { token: fuzz-token, maxBatchRecords: 1000 }\n`);
});

/** Every path (as key lists) into a JSON document, so a mutation can replace any node. */
function pathsOf(doc: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(doc)) doc.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (doc && typeof doc === 'object') for (const [k, v] of Object.entries(doc)) pathsOf(v, [...prefix, k], out);
  return out;
}

function setPath(doc: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = (Array.isArray(doc) ? [...doc] : { ...(doc as object) }) as Record<string | number, unknown>;
  copy[path[0]!] = setPath(copy[path[0]!], path.slice(1), value);
  return copy;
}

/** Hostile values: wrong types, huge and odd numbers, prototype keys, deep nesting, control characters. */
const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, '', 0, -1, 1e308, -0, '0001-01-01T00:00:00Z', '9999-99-99', 'NaN', '__proto__', '1', 'down', 'UP', 'firing', 'resolved', '\u0000'),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'toString', 'status', 'state'), fc.jsonValue({ maxDepth: 1 })),
  fc.integer({ min: 1, max: 200 }).map((d) => JSON.parse(`${'['.repeat(d)}${']'.repeat(d)}`) as unknown),
);

function bodies(base: unknown): fc.Arbitrary<string> {
  const paths = pathsOf(base);
  const mutated = fc
    .array(fc.tuple(fc.constantFrom(...paths), hostileValue), { minLength: 1, maxLength: 4 })
    .map((edits) => JSON.stringify(edits.reduce((doc, [p, v]) => setPath(doc, p, v), base)));
  return fc.oneof(
    { weight: 6, arbitrary: mutated },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
    { weight: 1, arbitrary: mutated.map((s) => s.slice(0, Math.max(0, s.length - 7))) },
  );
}

function send(path_: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${picket.url}${path_}`, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    // An answer that never comes is a defect too (a request stuck inside picket); name the body that caused it.
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer within 10 s to ${path_} ${body.slice(0, 500)}`)));
    req.end(body);
  });
}

async function fuzz(samples: string[], path_: string, headers: Record<string, string>, allowed: Set<number>): Promise<Map<number, number>> {
  const seen = new Map<number, number>();
  const bad: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < samples.length) {
        const body = samples[next++]!;
        const status = await send(path_, body, headers);
        seen.set(status, (seen.get(status) ?? 0) + 1);
        if (!allowed.has(status) && bad.length < 5) {
          bad.push(`${status}: ${body.slice(0, 300)}`);
          // The whole body, to replay a failure by hand.
          appendFileSync(path.join(TEST_OUTPUT, 'fuzz-failures.txt'), `${path_}\t${status}\t${body}\n`);
        }
      }
    }),
  );
  expect(bad, `unexpected answers on ${path_} (whole bodies in test-output/fuzz-failures.txt)`).toEqual([]);
  return seen;
}

describe('fuzzing the real HTTP server', { timeout: 120_000 }, () => {
  for (const [format, { fixture: name, contentType }] of Object.entries(FORMATS)) {
    it(`POST /ingest/${format}: ${RUNS} generated bodies, only 202 or the design's 4xx, and picket still serves`, async () => {
      const samples = fc.sample(bodies(JSON.parse(fixture(name))), { numRuns: RUNS, seed: 42 });
      const seen = await fuzz(samples, `/ingest/${format}`, { 'content-type': contentType }, WEBHOOK_CODES);
      // The mix reaches both the accepting and the refusing paths.
      expect(seen.get(202) ?? 0).toBeGreaterThan(0);
      expect((seen.get(400) ?? 0) + (seen.get(422) ?? 0)).toBeGreaterThan(0);
      expect((await fetch(`${picket.url}/healthz`)).status).toBe(200);
    });
  }

  it(`POST /v1/events: ${RUNS} generated batches, JSON and NDJSON, only 202 or the design's 4xx`, async () => {
    const record = { ts: '2026-11-23T20:00:00.123Z', method: 'POST', route: '/auth/login', status: 401, latencyMs: 35, ip: '203.0.113.9', user: 'alice', auth: 'failure' };
    const batch = fc.array(bodies(record).map((s) => s), { minLength: 1, maxLength: 5 });
    const samples = fc.sample(
      fc.oneof(
        batch.map((lines) => `[${lines.join(',')}]`),
        batch.map((lines) => lines.join('\n')),
        bodies([record]),
      ),
      { numRuns: RUNS, seed: 7 },
    );
    const json = samples.filter((_, i) => i % 2 === 0);
    const ndjson = samples.filter((_, i) => i % 2 === 1);
    const a = await fuzz(json, '/v1/events', { 'content-type': 'application/json', authorization: 'Bearer fuzz-token' }, TELEMETRY_CODES);
    const b = await fuzz(ndjson, '/v1/events', { 'content-type': 'application/x-ndjson', authorization: 'Bearer fuzz-token' }, TELEMETRY_CODES);
    expect((a.get(202) ?? 0) + (b.get(202) ?? 0)).toBeGreaterThan(0);
    expect((await fetch(`${picket.url}/healthz`)).status).toBe(200);
  });
});
