import { describe, expect, it } from 'vitest';
import { RecordScanner, type ScannedRecord } from '../../src/replay/record-scanner.js';
import { Prng } from '../../src/simulate/prng.js';

const FIELDS: (keyof ScannedRecord)[] = ['type', 'ts', 'method', 'route', 'path', 'status', 'latencyMs', 'ip', 'user', 'auth', 'bytesOut', 'ua', 'country', 'asn'];

/** The known fields as `JSON.parse` reads the line, undefined where absent. */
function parsed(line: string): Record<string, unknown> {
  const raw = JSON.parse(line) as Record<string, unknown>;
  return Object.fromEntries(FIELDS.map((f) => [f, Object.prototype.hasOwnProperty.call(raw, f) ? raw[f] : undefined]));
}

function scanned(scanner: RecordScanner): Record<string, unknown> {
  return Object.fromEntries(FIELDS.map((f) => [f, scanner.record[f]]));
}

function scan(scanner: RecordScanner, line: string): boolean {
  const buf = Buffer.from(line);
  return scanner.scan(buf, 0, buf.length);
}

const TYPICAL = {
  ts: 1795392000043,
  method: 'GET',
  route: '/v1/orders/:id',
  path: '/v1/orders/314590',
  status: 200,
  ip: '184.174.151.61',
  user: 'user39611@example.com',
  auth: 'none',
  latencyMs: 40,
  bytesOut: 2000,
  asn: 64511,
  country: 'DE',
};

describe('RecordScanner', () => {
  it('reads a flat record exactly as JSON.parse does: texts, numbers of every form, literals, whitespace, unknown and repeated keys', () => {
    const scanner = new RecordScanner();
    const lines = [
      JSON.stringify(TYPICAL),
      JSON.stringify({ ...TYPICAL, type: 'request', ua: 'Mozilla/5.0 (X11; Linux x86_64)', user: 'jürgen@example.com', country: '日本' }),
      '{"ts":"2026-11-23T20:00:00.123Z","status":-0,"latencyMs":12.5,"bytesOut":1e3,"asn":2.5E-3,"ip":"::1","route":"/"}',
      '{"ts":12345678901234567890,"status":0,"latencyMs":-7,"asn":123456789012345}',
      '{"user":null,"method":true,"country":false,"ua":""}',
      ' \t{ "ts" : 1 , "status"\t:\t200 ,"extra": "x", "more": 3.5, "flag": null, "ip": "1.2.3.4" } \r',
      '{"ts":1,"ts":2,"ip":"a","ip":"b"}',
      '{}',
      '{"":1,"tss":5,"Ts":6,"latencyMS":7,"bytesout":8,"ti":9}',
    ];
    for (const line of lines) {
      expect(scan(scanner, line), line).toBe(true);
      expect(scanned(scanner), line).toEqual(parsed(line));
    }
    // -0 stays -0, as JSON.parse gives it.
    scan(scanner, '{"status":-0}');
    expect(Object.is(scanner.record.status, -0)).toBe(true);
  });

  it('leaves to JSON.parse what it does not read itself, and broken JSON', () => {
    const scanner = new RecordScanner();
    const lines = [
      // Escapes, in values and in names.
      '{"ts":1,"user":"a\\"b"}',
      '{"ts":1,"ua":"\\u00e9"}',
      '{"t\\u0073":1}',
      // Nested values, known field or not.
      '{"ts":1,"extra":{"a":1}}',
      '{"ts":1,"ip":["1.2.3.4"]}',
      // Records of other types.
      '{"type":"probe","ts":1}',
      '{"type":"webhook","ts":1}',
      '{"type":null,"ts":1}',
      // Broken JSON.
      '{"ts":1',
      '{"ts":1}x',
      '{"ts":1,}',
      '{"ts":01}',
      '{"ts":1.}',
      '{"ts":.5}',
      '{"ts":-}',
      '{"ts":1e}',
      '{"ts":1e+}',
      '{"ts":tru}',
      '{"ts":1 2}',
      '{"ip":"1.2.3.4}',
      '{"ip":"a\tb"}',
      '{ts:1}',
      '{"ts" 1}',
      // Not an object.
      '[1]',
      '5',
      '"x"',
      '',
      '   ',
      '\uFEFF{"ts":1}',
    ];
    for (const line of lines) expect(scan(scanner, line), line).toBe(false);
  });

  it('never reads a record out of bytes past the end it is given', () => {
    const scanner = new RecordScanner();
    const buf = Buffer.from('{"ts":12}3}{"ip":"1.2.3.4"}');
    expect(scanner.scan(buf, 0, 9)).toBe(true);
    expect(scanner.record.ts).toBe(12);
    // Cut inside a number, a text, a literal and before the closing brace: bytes after the end would complete each.
    const cut = (line: string, at: number) => scanner.scan(Buffer.from(line), 0, at);
    expect(cut('{"ts":123}', 8)).toBe(false);
    expect(cut('{"ip":"1.2.3.4"}', 10)).toBe(false);
    expect(cut('{"user":null}', 11)).toBe(false);
    expect(cut('{"ts":1}', 7)).toBe(false);
    // A line in the middle of a buffer.
    const middle = Buffer.from('garbage\n{"status":503,"route":"/v1"}\n{"broken');
    expect(scanner.scan(middle, 8, middle.indexOf('\n', 8))).toBe(true);
    expect(scanned(scanner)).toEqual(parsed('{"status":503,"route":"/v1"}'));
  });

  it('gives a repeated text again, and tells texts apart that differ, past the bound of its table', () => {
    const scanner = new RecordScanner();
    const seen = new Map<string, unknown>();
    for (let i = 0; i < 10_000; i++) {
      const ua = `client/${i % 5_000}`;
      expect(scan(scanner, JSON.stringify({ ts: i, ua, route: '/v1/orders/:id' }))).toBe(true);
      expect(scanner.record.ua).toBe(ua);
      expect(scanner.record.route).toBe('/v1/orders/:id');
      seen.set(ua, scanner.record.ua);
    }
    expect(seen.size).toBe(5_000);
    // Two user agents whose bytes hash alike (FNV-1a, 32 bits): the second is not taken for the first.
    for (const ua of ['agent/427639', 'agent/1224802', 'agent/427639']) {
      scan(scanner, JSON.stringify({ ts: 1, ua }));
      expect(scanner.record.ua).toBe(ua);
    }
  });

  it('agrees with JSON.parse on 20,000 damaged lines: it either reads what JSON.parse reads or leaves the line to it', () => {
    const rng = new Prng(7);
    const scanner = new RecordScanner();
    const noise = ['"', '\\', ',', ':', '{', '}', '[', ']', ' ', '-', '.', 'e', '0', '1', '9', 'n', 't', 'ü', '\t', '\r', 'x'];
    let read = 0;
    for (let n = 0; n < 20_000; n++) {
      let line = JSON.stringify({ ...TYPICAL, ts: TYPICAL.ts + rng.int(0, 1e6), latencyMs: rng.chance(0.5) ? rng.next() * 100 : rng.int(0, 500), user: rng.chance(0.2) ? null : TYPICAL.user });
      for (let k = rng.int(0, 3); k > 0; k--) {
        const at = rng.int(0, line.length);
        const op = rng.int(0, 2);
        if (op === 0) line = line.slice(0, at) + line.slice(at + 1);
        else if (op === 1) line = line.slice(0, at) + rng.pick(noise) + line.slice(at);
        else line = line.slice(0, at) + rng.pick(noise) + line.slice(at + 1);
      }
      let reference: Record<string, unknown> | undefined;
      try {
        const raw = JSON.parse(line) as unknown;
        if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && ((raw as { type?: unknown }).type ?? 'request') === 'request') reference = parsed(line);
      } catch {
        reference = undefined;
      }
      if (!scan(scanner, line)) continue;
      read++;
      expect(reference, line).toBeDefined();
      expect(scanned(scanner), line).toEqual(reference);
    }
    // Most damaged lines are broken JSON; the scanner still read thousands itself.
    expect(read).toBeGreaterThan(2_000);
  });
});
