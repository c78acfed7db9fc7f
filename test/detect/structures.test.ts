import { describe, expect, it } from 'vitest';
import { SlotWindow } from '../../src/detect/structures.js';

describe('SlotWindow', () => {
  it('sums the slots within the span before now and forgets older ones', () => {
    const w = new SlotWindow(60_000, 15);
    const t0 = Date.UTC(2026, 10, 30, 12, 0, 0);
    w.add(t0, 2);
    w.add(t0 + 60_000, 3);
    w.add(t0 + 14 * 60_000, 1);
    expect(w.sum(t0 + 14 * 60_000)).toBe(6);
    expect(w.sum(t0 + 14 * 60_000, 60_000)).toBe(1);
    expect(w.sum(t0 + 15 * 60_000)).toBe(4);
    expect(w.sum(t0 + 60 * 60_000)).toBe(0);
  });

  it('ends for times past 2^53 slots, where adding one to a slot number changes nothing', () => {
    const w = new SlotWindow(60_000, 15);
    w.add(1e308);
    expect(w.sum(1e308)).toBeGreaterThanOrEqual(0);
  });
});
