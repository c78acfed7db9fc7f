import { describe, expect, it } from 'vitest';
import { formatNamed } from '../../src/ingest/formats/index.js';
import { ShapeError } from '../../src/ingest/formats/read.js';
import { options as genericOptions } from '../../src/ingest/formats/generic.js';
import { fixture, jsonFixture } from '../helpers/fixtures.js';

const RECEIVED = Date.UTC(2026, 10, 23, 20, 5);

function parse(format: string, body: unknown, options: Record<string, unknown> = {}) {
  return formatNamed(format).parse(body, { source: format, options, receivedAt: RECEIVED });
}

describe('lagnis', () => {
  it('normalizes the design payload', () => {
    expect(parse('lagnis', jsonFixture('webhooks/lagnis-down.json'))).toEqual([
      {
        source: 'lagnis',
        eventId: 'monitor.down:i-9:1795464000000',
        monitorKey: 'm-17',
        name: 'Auth API',
        url: 'https://api.example.com/auth/health',
        state: 'down',
        statusCode: 503,
        responseTimeMs: 1200,
        reason: 'HTTP 503',
        location: 'eu-west',
        occurredAt: Date.parse('2026-11-23T20:00:00Z'),
      },
    ]);
  });

  it('takes camelCase, status as 1/0 and epoch seconds', () => {
    const [e] = parse('lagnis', jsonFixture('webhooks/lagnis-up-camel.json')) as { state: string; statusCode: number; occurredAt: number }[];
    expect(e).toMatchObject({ state: 'up', statusCode: 200, responseTimeMs: 87, location: 'us-east', occurredAt: 1795471500_000 });
  });

  it('reads an ssl.expiring event as a certificate notice, not a state change', () => {
    expect(parse('lagnis', jsonFixture('webhooks/lagnis-ssl.json'))).toEqual([
      expect.objectContaining({ state: 'unknown', reason: 'certificate expires in 6 days', occurredAt: Date.parse('2026-11-23T08:00:00Z') }),
    ]);
  });

  it('takes the state from check.status when there is no event name', () => {
    const [e] = parse('lagnis', { monitor: { url: 'https://x.example/' }, check: { status: '0' } }) as { state: string; monitorKey: string; occurredAt: number }[];
    expect(e).toMatchObject({ state: 'down', monitorKey: 'https://x.example/', occurredAt: RECEIVED });
  });

  it.each([
    [[], 'expected a JSON object'],
    [{ event: 'monitor.down' }, 'missing "monitor" object'],
    [{ event: 'monitor.down', monitor: { name: 'x' } }, 'monitor has neither "id" nor "url"'],
    [{ event: 'billing.paid', monitor: { id: 'a' } }, 'unknown event "billing.paid"'],
  ])('refuses %j', (body, message) => expect(parse('lagnis', body)).toEqual(new ShapeError(message)));
});

describe('alertmanager', () => {
  it('makes one event per alert of a mixed message, keyed by fingerprint', () => {
    expect(parse('alertmanager', jsonFixture('webhooks/alertmanager-mixed.json'))).toEqual([
      {
        source: 'alertmanager',
        eventId: `a1b2c3d4e5f60718:firing:${Date.parse('2026-11-23T19:58:30.123Z')}`,
        monitorKey: 'https://api.example.com/auth/health',
        name: 'ProbeFailed',
        url: 'https://api.example.com/auth/health',
        state: 'down',
        reason: 'Auth health probe failing',
        occurredAt: Date.parse('2026-11-23T19:58:30.123Z'),
      },
      {
        source: 'alertmanager',
        eventId: `ffee00112233aabb:resolved:${Date.parse('2026-11-23T19:55:00Z')}`,
        monitorKey: 'orders-api:8080',
        name: 'HighLatency',
        state: 'up',
        reason: 'p95 latency above 500 ms',
        occurredAt: Date.parse('2026-11-23T19:55:00Z'),
        serviceHint: 'orders',
      },
    ]);
  });

  it('reads a firing warning as degraded and says how many alerts were truncated', () => {
    const body = jsonFixture('webhooks/alertmanager-mixed.json') as { alerts: Record<string, unknown>[]; truncatedAlerts: number };
    body.alerts = [{ ...body.alerts[1]!, status: 'firing', endsAt: '0001-01-01T00:00:00Z' }];
    body.truncatedAlerts = 12;
    const [e] = parse('alertmanager', body) as { state: string; reason: string; occurredAt: number }[];
    expect(e).toMatchObject({ state: 'degraded', reason: 'p95 latency above 500 ms (12 more alerts truncated)', occurredAt: Date.parse('2026-11-23T19:40:00Z') });
  });

  it.each([
    [{ version: '3', alerts: [] }, 'unsupported webhook version "3" (expected 4)'],
    [{ version: '4' }, 'missing "alerts" array'],
    [{ version: '4', alerts: [] }, '"alerts" is empty'],
    [{ version: '4', alerts: [{ status: 'pending', labels: { alertname: 'x' } }] }, 'alerts[0].status must be "firing" or "resolved"'],
  ])('refuses %j', (body, message) => expect(parse('alertmanager', body)).toEqual(new ShapeError(message)));
});

describe('grafana', () => {
  it('reads the Alertmanager shape and falls back to the value for a reason', () => {
    expect(parse('grafana', jsonFixture('webhooks/grafana-firing.json'))).toEqual([
      expect.objectContaining({
        source: 'grafana',
        monitorKey: 'https://api.example.com/auth/login',
        name: 'Login errors',
        state: 'down',
        reason: "[ var='B' labels={} value=37.5 ]",
        occurredAt: Date.parse('2026-11-23T20:01:00Z'),
      }),
    ]);
  });

  it('refuses a plain Alertmanager message', () => {
    expect(parse('grafana', { version: '4', alerts: [] })).toBeInstanceOf(ShapeError);
  });
});

describe('uptimekuma', () => {
  it('maps heartbeat.status 0 to down with the time read as UTC', () => {
    expect(parse('uptimekuma', jsonFixture('webhooks/uptimekuma-down.json'))).toEqual([
      {
        source: 'uptimekuma',
        eventId: `4:0:${Date.parse('2026-11-23T20:00:05.412Z')}`,
        monitorKey: '4',
        name: 'Auth API',
        url: 'https://api.example.com/auth/health',
        state: 'down',
        statusCode: 503,
        reason: 'Request failed with status code 503',
        occurredAt: Date.parse('2026-11-23T20:00:05.412Z'),
      },
    ]);
  });

  it.each([
    [1, 'up'],
    [2, 'degraded'],
    [3, 'unknown'],
  ])('maps status %d to %s', (status, state) => {
    const body = jsonFixture('webhooks/uptimekuma-down.json') as { heartbeat: { status: number } };
    body.heartbeat.status = status;
    expect(parse('uptimekuma', body)).toEqual([expect.objectContaining({ state })]);
  });

  it('takes a certificate message with heartbeat: null', () => {
    expect(parse('uptimekuma', jsonFixture('webhooks/uptimekuma-cert.json'))).toEqual([
      expect.objectContaining({ monitorKey: '4', state: 'unknown', reason: expect.stringContaining('Certificate will expire in 14 days'), occurredAt: RECEIVED }),
    ]);
  });

  it('takes the test notification', () => {
    expect(parse('uptimekuma', jsonFixture('webhooks/uptimekuma-test.json'))).toEqual([
      { source: 'uptimekuma', monitorKey: 'uptimekuma:test', state: 'unknown', reason: 'Uptime Kuma Testing', occurredAt: RECEIVED },
    ]);
  });

  it('refuses an unknown status and a foreign shape', () => {
    const body = jsonFixture('webhooks/uptimekuma-down.json') as { heartbeat: { status: number } };
    body.heartbeat.status = 7;
    expect(parse('uptimekuma', body)).toEqual(new ShapeError('heartbeat.status must be 0, 1, 2 or 3'));
    expect(parse('uptimekuma', { alerts: [] })).toBeInstanceOf(ShapeError);
  });
});

describe('uptimerobot', () => {
  it('reads alertType "1" as down from JSON', () => {
    expect(parse('uptimerobot', jsonFixture('webhooks/uptimerobot-down.json'))).toEqual([
      {
        source: 'uptimerobot',
        eventId: '793947213:1:1795471200000',
        monitorKey: '793947213',
        name: 'Auth API',
        url: 'https://api.example.com/auth/health',
        state: 'down',
        statusCode: 502,
        reason: 'HTTP 502 - Bad Gateway',
        occurredAt: 1795471200_000,
      },
    ]);
  });

  it('reads alertType "2" as up from the form-encoded fields', () => {
    const form = Object.fromEntries(new URLSearchParams(fixture('webhooks/uptimerobot-up.form')));
    expect(parse('uptimerobot', form)).toEqual([expect.objectContaining({ state: 'up', statusCode: 200, url: 'https://api.example.com/auth/health', occurredAt: 1795471384_000 })]);
  });

  it('refuses an unknown alertType', () => {
    expect(parse('uptimerobot', { alertType: '9', monitorID: '1' })).toEqual(new ShapeError('unknown alertType "9" (1 down, 2 up, 3 SSL expiry)'));
  });
});

describe('pingdom', () => {
  it('reads UP/DOWN with the probe location', () => {
    expect(parse('pingdom', jsonFixture('webhooks/pingdom-down.json'))).toEqual([
      {
        source: 'pingdom',
        eventId: '12345:DOWN:1795471230000',
        monitorKey: '12345',
        name: 'Auth API',
        url: 'https://api.example.com/auth/health',
        state: 'down',
        reason: 'HTTP Server Error 503 Service Unavailable',
        location: 'Stockholm 2, Sweden',
        occurredAt: 1795471230_000,
      },
    ]);
  });

  it('reads SUCCESS/FAILING transaction checks', () => {
    expect(parse('pingdom', jsonFixture('webhooks/pingdom-transaction.json'))).toEqual([
      expect.objectContaining({ monitorKey: '803318', state: 'down', url: 'https://www.example.com/login' }),
    ]);
  });

  it('refuses a missing current_state', () => {
    expect(parse('pingdom', { check_id: 1 })).toEqual(new ShapeError('missing "current_state"'));
  });
});

describe('betterstack', () => {
  it('reads a started incident by its status', () => {
    expect(parse('betterstack', jsonFixture('webhooks/betterstack-started.json'))).toEqual([
      {
        source: 'betterstack',
        eventId: '98765:started',
        monitorKey: '2201',
        name: 'Auth API',
        url: 'https://api.example.com/auth/health',
        state: 'down',
        statusCode: 500,
        reason: 'Status 500',
        location: 'us,eu',
        occurredAt: Date.parse('2026-11-23T20:00:10Z'),
      },
    ]);
  });

  it('reads the event name of a resolved incident', () => {
    expect(parse('betterstack', jsonFixture('webhooks/betterstack-resolved.json'))).toEqual([
      expect.objectContaining({ eventId: '98765:resolved', state: 'up', occurredAt: Date.parse('2026-11-23T20:09:45Z') }),
    ]);
  });

  it('refuses a body without data.attributes', () => {
    expect(parse('betterstack', { data: {} })).toEqual(new ShapeError('missing "data.attributes"'));
  });
});

describe('generic', () => {
  const options = genericOptions.parse({
    paths: { state: '$.update.new_status', monitorKey: '$.component.id', name: '$.component.name', url: '$.component.link', statusCode: '$.update.http', time: '$.update.at', eventId: '$.update.id', reason: '$.message' },
    downValues: ['major_outage', 'partial_outage'],
  });

  it('maps a body by the configured JSON paths', () => {
    expect(parse('generic', jsonFixture('webhooks/generic-statuspage.json'), options)).toEqual([
      {
        source: 'generic',
        eventId: 'upd-552',
        monitorKey: 'cmp-auth',
        name: 'Authentication',
        url: 'https://api.example.com/auth/health',
        state: 'down',
        statusCode: 503,
        reason: 'Login unavailable',
        occurredAt: Date.parse('2026-11-23T20:02:00Z'),
      },
    ]);
  });

  it('refuses a body where the state path finds nothing', () => {
    expect(parse('generic', { other: 1 }, options)).toEqual(new ShapeError('no value at $.update.new_status (the state path)'));
  });
});

describe('hostile bodies (regressions found by the fuzz suite)', () => {
  it('finds no state in names that every object has (__proto__, constructor)', () => {
    expect(parse('lagnis', { event: '__proto__', monitor: { id: 'm' } })).toBeInstanceOf(ShapeError);
    expect(parse('uptimerobot', { alertType: 'constructor', monitorID: '1' })).toBeInstanceOf(ShapeError);
    expect(parse('betterstack', { event: '__proto__', data: { attributes: { name: 'x' } } })).toBeInstanceOf(ShapeError);
  });

  it('never calls a hostile toString: objects where text is expected are refused or ignored', () => {
    const hostile = { toString: { not: 'a function' } };
    expect(parse('alertmanager', { version: hostile, alerts: [] })).toEqual(new ShapeError('unsupported webhook version "an object" (expected 4)'));
    const generic = genericOptions.parse({ paths: { state: '$.s', monitorKey: '$.k' } });
    expect(parse('generic', { s: hostile, k: 'm' }, generic)).toMatchObject([{ state: 'unknown', monitorKey: 'm' }]);
    const bs = jsonFixture('webhooks/betterstack-started.json') as { data: { attributes: Record<string, unknown> } };
    bs.data.attributes.regions = ['eu', hostile, 'us'];
    expect(parse('betterstack', bs)).toMatchObject([{ location: 'eu,us' }]);
  });

  it('takes the receive time for a time no sender could mean', () => {
    const events = parse('lagnis', { event: 'monitor.down', monitor: { id: 'm' }, check: { status: 'down', checked_at: 1e308 } }) as { occurredAt: number }[];
    expect(events[0]!.occurredAt).toBe(RECEIVED);
  });
});
