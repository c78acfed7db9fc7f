/**
 * Reads the common replay line, a flat JSON object of plain values, straight from the file's bytes into one reused
 * record, as `JSON.parse` would have read it: no chunk decoded as UTF-8, no object per record, and the texts that
 * repeat (routes, methods, user agents) made once. Anything else (an escape in a string, a nested value, a record of
 * another type, broken JSON) is left to `JSON.parse`: `scan` then returns false.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
const isDigit = (c: number) => c >= ZERO && c <= NINE;

/**
 * The fields a request record may have, as `validateRecord` reads them, in `store`'s order; others in the line are
 * skipped. The texts of those in REPEATS recur across records and are kept in `repeated`.
 */
const FIELDS = ['type', 'ts', 'method', 'route', 'path', 'status', 'latencyMs', 'ip', 'user', 'auth', 'bytesOut', 'ua', 'country', 'asn'] as const;
export type ScannedRecord = Record<(typeof FIELDS)[number], unknown>;
const TYPE = FIELDS.indexOf('type');
const REPEATS = new Set<keyof ScannedRecord>(['type', 'method', 'route', 'auth', 'ua', 'country']);
const NAMES = FIELDS.map((name) => new Uint8Array(Buffer.from(name, 'latin1')));
/** The field a name's length and first letter point to (no two fields share both), so a name is compared once. */
const LONGEST = 9;
const BY_START = new Int8Array((LONGEST + 1) * 128).fill(-1);
NAMES.forEach((name, field) => {
  const at = name.length * 128 + name[0]!;
  if (BY_START[at] !== -1) throw new Error(`${FIELDS[field]} starts like ${FIELDS[BY_START[at]!]}: compare both`);
  BY_START[at] = field;
});
const REPEATED = FIELDS.map((name) => REPEATS.has(name));

/** Digits past which an integer added up digit by digit could round differently from `Number()`. */
const EXACT_DIGITS = 15;
/** Repeated texts kept before the table starts afresh: user agents can all differ. */
const MAX_REPEATED = 4_096;

// The scan in progress, shared by every scanner: a scan runs to its end synchronously.
/** The value `readNumber` or `readLiteral` read last. */
let value: unknown;
/** Whether the string `skipString` skipped last had a byte outside ASCII. */
let wide = false;
/**
 * The line read as Latin-1, made when its first text is: one call into Node per line instead of one per text, and a
 * text of ASCII is then a substring of it, which V8 makes without leaving JavaScript.
 */
let line: string | undefined;
let lineStart = 0;
let lineEnd = 0;

export class RecordScanner {
  readonly record: ScannedRecord = { type: undefined, ts: undefined, method: undefined, route: undefined, path: undefined, status: undefined, latencyMs: undefined, ip: undefined, user: undefined, auth: undefined, bytesOut: undefined, ua: undefined, country: undefined, asn: undefined };
  /** Repeated texts by the hash of their bytes; a hit is checked byte by byte, so a collision only costs a new string. */
  private readonly repeated = new Map<number, string>();

  /** Reads `b[start, end)` into `record`; false when the line needs `JSON.parse` (or is not JSON at all). */
  scan(b: Buffer, start: number, end: number): boolean {
    line = undefined;
    lineStart = start;
    lineEnd = end;
    this.clear();
    let i = skipSpace(b, start, end);
    if (i >= end || b[i] !== OPEN) return false;
    i = skipSpace(b, i + 1, end);
    if (i < end && b[i] === CLOSE) return this.finish(b, i + 1, end);
    for (;;) {
      if (i >= end || b[i] !== QUOTE) return false;
      const keyStart = i + 1;
      i = skipString(b, keyStart, end);
      if (i < 0) return false;
      const field = fieldOf(b, keyStart, i - 1);
      i = skipSpace(b, i, end);
      if (i >= end || b[i] !== COLON) return false;
      i = skipSpace(b, i + 1, end);
      if (i >= end) return false;
      const c = b[i]!;
      if (c === QUOTE) {
        const textStart = i + 1;
        i = skipString(b, textStart, end);
        if (i < 0) return false;
        if (field >= 0) {
          const v = REPEATED[field] ? this.repeatedText(b, textStart, i - 1) : text(b, textStart, i - 1);
          // A record of another type is the replay's to sort out: refused as soon as its type is read.
          if (field === TYPE && v !== 'request') return false;
          this.store(field, v);
        }
      } else {
        i = c === MINUS || isDigit(c) ? readNumber(b, i, end) : readLiteral(b, i, end);
        if (i < 0 || field === TYPE) return false;
        if (field >= 0) this.store(field, value);
      }
      i = skipSpace(b, i, end);
      if (i >= end) return false;
      const next = b[i]!;
      if (next === CLOSE) return this.finish(b, i + 1, end);
      if (next !== COMMA) return false;
      i = skipSpace(b, i + 1, end);
    }
  }

  /** Only whitespace may follow the object. */
  private finish(b: Buffer, i: number, end: number): boolean {
    return skipSpace(b, i, end) === end;
  }

  private clear(): void {
    const r = this.record;
    r.type = r.ts = r.method = r.route = r.path = r.status = r.latencyMs = undefined;
    r.ip = r.user = r.auth = r.bytesOut = r.ua = r.country = r.asn = undefined;
  }

  /** A named store per field: a computed key would make the hot path's store megamorphic. */
  private store(field: number, v: unknown): void {
    const r = this.record;
    switch (field) {
      case 0: r.type = v; break;
      case 1: r.ts = v; break;
      case 2: r.method = v; break;
      case 3: r.route = v; break;
      case 4: r.path = v; break;
      case 5: r.status = v; break;
      case 6: r.latencyMs = v; break;
      case 7: r.ip = v; break;
      case 8: r.user = v; break;
      case 9: r.auth = v; break;
      case 10: r.bytesOut = v; break;
      case 11: r.ua = v; break;
      case 12: r.country = v; break;
      case 13: r.asn = v; break;
    }
  }

  /** Like `text`, with a text seen before given again instead of made anew; a new one is made on its own, not out of the line. */
  private repeatedText(b: Buffer, start: number, end: number): string {
    if (wide) return b.toString('utf8', start, end);
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
    const known = this.repeated.get(h);
    if (known !== undefined && sameText(known, b, start, end)) return known;
    if (this.repeated.size >= MAX_REPEATED) this.repeated.clear();
    const s = b.toString('latin1', start, end);
    this.repeated.set(h, s);
    return s;
  }
}

function skipSpace(b: Buffer, i: number, end: number): number {
  while (i < end && isSpace(b[i]!)) i++;
  return i;
}

/** The place after a string's closing quote, from its first character; -1 for an escape, a control character or no end. */
function skipString(b: Buffer, i: number, end: number): number {
  let any = 0;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c === QUOTE) {
      wide = any >= 0x80;
      return i + 1;
    }
    if (c === BACKSLASH || c < 0x20) return -1;
    any |= c;
  }
  return -1;
}

/** The field a name in `b[start, end)` is, or -1 for one the record does not use. */
function fieldOf(b: Buffer, start: number, end: number): number {
  const length = end - start;
  const first = b[start]!;
  if (length === 0 || length > LONGEST || first >= 128) return -1;
  const field = BY_START[length * 128 + first]!;
  if (field < 0) return -1;
  const name = NAMES[field]!;
  for (let k = 1; k < length; k++) if (b[start + k] !== name[k]) return -1;
  return field;
}

/** The string just skipped: ASCII taken from the line read as Latin-1, which is the same; anything else as UTF-8, as the file is. */
function text(b: Buffer, start: number, end: number): string {
  if (wide) return b.toString('utf8', start, end);
  line ??= b.toString('latin1', lineStart, lineEnd);
  return line.substring(start - lineStart, end - lineStart);
}

function sameText(s: string, b: Buffer, start: number, end: number): boolean {
  if (s.length !== end - start) return false;
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) !== b[start + k]) return false;
  return true;
}

/** A number in JSON's grammar into `value`; the place after it, or -1. An integer of up to 15 digits is added up as read. */
function readNumber(b: Buffer, i: number, end: number): number {
  const start = i;
  const negative = b[i] === MINUS;
  if (negative) i++;
  const first = i;
  let v = 0;
  while (i < end && isDigit(b[i]!)) v = v * 10 + (b[i++]! - ZERO);
  const digits = i - first;
  if (digits === 0 || (digits > 1 && b[first] === ZERO)) return -1;
  let exact = digits <= EXACT_DIGITS;
  if (i < end && b[i] === DOT) {
    const from = ++i;
    while (i < end && isDigit(b[i]!)) i++;
    if (i === from) return -1;
    exact = false;
  }
  if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
    i++;
    if (i < end && (b[i] === PLUS || b[i] === MINUS)) i++;
    const from = i;
    while (i < end && isDigit(b[i]!)) i++;
    if (i === from) return -1;
    exact = false;
  }
  value = exact ? (negative ? -v : v) : Number(b.toString('latin1', start, i));
  return i;
}

const LITERALS: [Buffer, unknown][] = [
  [Buffer.from('true'), true],
  [Buffer.from('false'), false],
  [Buffer.from('null'), null],
];

/** `true`, `false` or `null` into `value`; the place after it, or -1 for anything else (an object, an array). */
function readLiteral(b: Buffer, i: number, end: number): number {
  for (const [word, v] of LITERALS) {
    if (i + word.length > end) continue;
    let k = 0;
    while (k < word.length && b[i + k] === word[k]) k++;
    if (k === word.length) {
      value = v;
      return i + k;
    }
  }
  return -1;
}
