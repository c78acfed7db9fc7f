import { describe, expect, it } from 'vitest';
import type { ExternalEvent } from '../../src/correlate/observation.js';
import { ServiceMatcher } from '../../src/ingest/service-matcher.js';

const matcher = new ServiceMatcher({
  auth: { routes: ['/auth/*'], monitors: ['m-1', 'https://API.example.com/login/', 'Billing health'] },
  billing: { routes: ['/billing/*'], monitors: ['https://pay.example.com/health?deep=1'] },
});

const event = (e: Partial<ExternalEvent>): ExternalEvent => ({ source: 'lagnis', monitorKey: 'm-9', state: 'down', occurredAt: 0, ...e });

describe('ServiceMatcher.forEvent', () => {
  it('matches a listed monitor id, whatever the URL', () => {
    expect(matcher.forEvent(event({ monitorKey: 'm-1', url: 'https://elsewhere.example.net/' }))).toEqual({ service: 'auth', derived: false });
  });

  it('matches a listed URL as sent, and one that differs only in host case or a trailing slash', () => {
    expect(matcher.forEvent(event({ url: 'https://pay.example.com/health?deep=1' }))).toEqual({ service: 'billing', derived: false });
    expect(matcher.forEvent(event({ url: 'https://api.EXAMPLE.com/login' }))).toEqual({ service: 'auth', derived: false });
  });

  it('matches a listed monitor name when neither id nor URL is listed', () => {
    expect(matcher.forEvent(event({ url: 'https://status.example.org/', name: 'Billing health' }))).toEqual({ service: 'auth', derived: false });
  });

  it('takes a hint that names a configured service before any monitor', () => {
    expect(matcher.forEvent(event({ monitorKey: 'm-1', serviceHint: 'billing' }))).toEqual({ service: 'billing', derived: false });
  });

  it('derives an unlisted monitor\'s service from its URL host, else its hint, name or id', () => {
    expect(matcher.forEvent(event({ url: 'https://status.example.org/ping', name: 'Status' }))).toEqual({ service: 'status.example.org', derived: true });
    expect(matcher.forEvent(event({ url: 'not a url', serviceHint: 'unknown-svc', name: 'Status' }))).toEqual({ service: 'unknown-svc', derived: true });
    expect(matcher.forEvent(event({ url: 'not a url', name: 'Status' }))).toEqual({ service: 'Status', derived: true });
    expect(matcher.forEvent(event({}))).toEqual({ service: 'm-9', derived: true });
  });
});
