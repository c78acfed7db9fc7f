import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { resolveDetect } from '../../src/detect/config.js';
import { DetectionEngine } from '../../src/detect/engine.js';
import { MIN, req, T0 } from '../helpers/detect.js';

describe('DetectionEngine', () => {
  it('keeps learned baselines and known clients across a restart (snapshot, restore)', () => {
    const make = () => new DetectionEngine({ clock: new VirtualClock(T0), config: () => resolveDetect(), onSignal: () => undefined });
    const before = make();
    for (let m = 0; m < 120; m++) {
      for (let i = 0; i < 20; i++) before.observe(req({ ts: T0 + m * MIN + i * 100, ip: `198.51.100.${i + 1}`, status: i === 0 ? 500 : 200, asn: 3320 }));
    }
    const state = JSON.parse(JSON.stringify(before.snapshot())) as Record<string, unknown>;
    const after = make();
    after.restore(state);
    const later = T0 + 121 * MIN;
    expect(after.history.isKnownIp('198.51.100.5', later)).toBe(true);
    expect(after.history.isKnownIp('203.0.113.5', later)).toBe(false);
    expect(after.history.isKnownAsn(3320)).toBe(true);
    expect(after.snapshot()['error-rate']).toEqual(before.snapshot()['error-rate']);
  });
});
