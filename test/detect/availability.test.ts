import { describe, expect, it } from 'vitest';
import * as availability from '../../src/detect/availability.js';
import * as misconfig from '../../src/detect/misconfig.js';
import { detectorHarness, external, probe, T0 } from '../helpers/detect.js';

describe('availability detector', () => {
  it('is a warning on one source, critical once an external monitor agrees, and resolves when both recover', () => {
    const h = detectorHarness(availability);
    h.feed(probe(T0, { checkId: 'login', state: 'down', ok: false, error: 'refused', message: 'connection refused', stateChange: { from: 'up', to: 'down' } }));
    expect(h.signals.at(-1)).toMatchObject({ state: 'firing', class: 'outage', severity: 'warning', service: 'auth' });
    h.feed(external(T0 + 30_000, 'auth', { source: 'uptimerobot', monitorKey: 'm-1', state: 'down' }));
    expect(h.signals.at(-1)).toMatchObject({ class: 'outage', severity: 'critical' });
    expect(h.signals.at(-1)!.summary).toContain('confirmed by two sources');
    h.feed(probe(T0 + 60_000, { checkId: 'login', state: 'up', stateChange: { from: 'down', to: 'up' } }));
    h.feed(external(T0 + 70_000, 'auth', { source: 'uptimerobot', monitorKey: 'm-1', state: 'up' }));
    expect(h.signals.at(-1)).toMatchObject({ state: 'resolved' });
  });

  it('records a single external report that the local probes contradict at info, not higher', () => {
    const h = detectorHarness(availability);
    h.feed(probe(T0, { checkId: 'login', state: 'up' }));
    h.feed(external(T0 + 1_000, 'auth', { state: 'down' }));
    expect(h.signals).toEqual([expect.objectContaining({ severity: 'info', class: 'outage' })]);
  });

  it('reads degraded monitors as degradation and ignores unknown-state notices', () => {
    const h = detectorHarness(availability);
    h.feed(external(T0, 'orders', { state: 'unknown', reason: 'certificate expires in 6 days' }));
    expect(h.signals).toEqual([]);
    h.feed(external(T0 + 1_000, 'orders', { state: 'degraded' }));
    expect(h.signals).toEqual([expect.objectContaining({ class: 'degradation', severity: 'warning' })]);
  });

  it('does not fire for checks that stay up', () => {
    const h = detectorHarness(availability);
    for (let i = 0; i < 10; i++) h.feed(probe(T0 + i * 10_000, { checkId: 'login', state: 'up' }));
    expect(h.firing()).toEqual([]);
  });
});

describe('misconfig detector', () => {
  const finding = { key: 'auth_bypass:alg-none', class: 'misconfig.auth_bypass' as const, severity: 'critical' as const, message: 'alg:none token accepted (HTTP 200)' };

  it('passes a raised finding through and resolves it when cleared', () => {
    const h = detectorHarness(misconfig);
    h.feed(probe(T0, { checkId: 'orders-guard', service: 'orders', findingsRaised: [finding] }));
    expect(h.signals).toEqual([expect.objectContaining({ state: 'firing', class: 'misconfig.auth_bypass', severity: 'critical', key: 'orders-guard:auth_bypass:alg-none' })]);
    h.feed(probe(T0 + 10_000, { checkId: 'orders-guard', service: 'orders', findingsCleared: [finding] }));
    expect(h.signals.at(-1)).toMatchObject({ state: 'resolved', key: 'orders-guard:auth_bypass:alg-none' });
  });

  it('is silent for runs without findings', () => {
    const h = detectorHarness(misconfig);
    h.feed(probe(T0));
    expect(h.signals).toEqual([]);
  });
});
