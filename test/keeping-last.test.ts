import { describe, expect, it } from 'vitest';
import { keepingLast } from '../src/keeping-last.js';

describe('keepingLast', () => {
  it('computes once for a run of one key, again when the key changes, and keeps an undefined answer too', () => {
    const asked: string[] = [];
    const lengthOf = keepingLast((s: string) => (asked.push(s), s.length));
    expect([lengthOf('abc'), lengthOf('abc'), lengthOf('de'), lengthOf('abc')]).toEqual([3, 3, 2, 3]);
    expect(asked).toEqual(['abc', 'de', 'abc']);

    let calls = 0;
    const nothing = keepingLast((_: number) => (calls++, undefined));
    expect([nothing(1), nothing(1)]).toEqual([undefined, undefined]);
    expect(calls).toBe(1);
  });
});
