import { describe, expect, it } from 'vitest';
import * as dos from '../../src/detect/dos.js';
import * as exfiltration from '../../src/detect/exfiltration.js';
import * as scraping from '../../src/detect/scraping.js';
import { detectorHarness, MIN, req, T0 } from '../helpers/detect.js';

const product = (ts: number, ip: string, id: number, over = {}) => req({ ts, ip, service: 'catalog', route: '/v1/products/:id', resource: String(id), bytesOut: 3_000, ...over });

describe('scraping detector', () => {
  it('fires on an address walking ids in sequence, and follows the scraper when it rotates within its /24', () => {
    const h = detectorHarness(scraping);
    let id = 1;
    for (let host = 10; host < 14; host++) for (let i = 0; i < 40; i++) h.feed(product(T0 + id * 250, `192.0.2.${host}`, id++));
    const fired = h.firing();
    expect(fired.map((s) => s.key)).toContain('net:192.0.2.0/24');
    expect(fired.every((s) => s.class === 'attack.scraping')).toBe(true);
    expect(fired.find((s) => s.key === 'net:192.0.2.0/24')!.summary).toMatch(/walking ids in sequence/);
  });

  it('fires on one address reading 150+ distinct resources in 10 min', () => {
    const h = detectorHarness(scraping);
    for (let i = 0; i < 320; i++) h.feed(product(T0 + i * 1_500, '192.0.2.40', (i * 37) % 4000));
    expect(h.firing().find((s) => s.key === 'ip:192.0.2.40')).toMatchObject({ class: 'attack.scraping' });
  });

  it('leaves an office NAT alone, and records a declared crawler instead of raising it', () => {
    const office = detectorHarness(scraping);
    for (let i = 0; i < 400; i++) office.feed(product(T0 + i * 1_200, '198.51.100.10', (i * 37) % 4000, { user: `staff${i % 30}@example.com` }));
    expect(office.firing()).toEqual([]);

    const crawl = detectorHarness(scraping, {}, { crawlers: [{ name: 'googlebot', asns: [15169], userAgent: /Googlebot/ }] });
    for (let i = 0; i < 200; i++) crawl.feed(product(T0 + i * 1_000, '66.249.66.1', i + 1, { asn: 15169, ua: 'Googlebot/2.1' }));
    expect(crawl.firing()).toEqual([]);
    expect(crawl.notes).toContain('scraping by an allowlisted crawler: not raised');
  });
});

describe('exfiltration detector', () => {
  it("fires when a user receives 20× their usual volume in 10 min, not on their usual volume", () => {
    const h = detectorHarness(exfiltration);
    let t = T0;
    // A day of ordinary use: 40 users, 300 kB per 10 minutes each.
    for (let w = 0; w < 30; w++) {
      for (let u = 0; u < 40; u++) h.feed(req({ ts: t + u * 1_000, ip: `198.51.100.${u + 1}`, user: `user${u}`, service: 'account', route: '/v1/export', bytesOut: 300_000 }));
      t += 10 * MIN;
    }
    expect(h.firing()).toEqual([]);
    for (let i = 0; i < 30; i++) h.feed(req({ ts: t + i * 10_000, ip: '198.51.100.1', user: 'user0', service: 'account', route: '/v1/export', bytesOut: 500_000 }));
    expect(h.firing()).toEqual([expect.objectContaining({ class: 'attack.exfiltration', key: 'user:user0' })]);
  });
});

describe('dos detector', () => {
  function load(h: ReturnType<typeof detectorHarness>, from: number, minutes: number, perMinute: number, latencyMs: number, status = 200): number {
    let t = from;
    for (let m = 0; m < minutes; m++) {
      for (let i = 0; i < perMinute; i++) h.feed(req({ ts: t + (i * MIN) / perMinute, ip: `198.51.100.${i % 200}`, service: 'catalog', route: '/v1/products', latencyMs, status: i % 10 === 0 ? status : 200 }));
      t += MIN;
    }
    return t;
  }

  it('fires on a flood far above the usual volume that strains the service', () => {
    const h = detectorHarness(dos);
    const t = load(h, T0, 90, 100, 40);
    load(h, t, 3, 2_000, 200, 503);
    h.idle(MIN);
    expect(h.firing()).toEqual([expect.objectContaining({ class: 'attack.dos', severity: 'critical' })]);
  });

  it('does not fire on a marketing spike the service absorbs (4× with steady latency and no errors)', () => {
    const h = detectorHarness(dos);
    const t = load(h, T0, 90, 100, 40);
    load(h, t, 60, 400, 42);
    expect(h.firing()).toEqual([]);
  });
});
