import type { AuthOutcome, RequestObservation } from '../correlate/observation.js';

/**
 * How the reader thread hands validated records to the replay: numbers and text ids in typed arrays, whose buffers
 * move between threads without a copy, and a text that repeats sent only the first time. Both sides use this file,
 * so they cannot drift apart.
 */
export interface RecordBatch {
  count: number;
  /** Per record: REQUEST, OTHER (the next of `others`) or REJECTED. */
  kinds: Uint8Array;
  numbers: Float64Array;
  /** Per text field: an id in the table of repeated texts, NONE, or a place in `inline` (see `inlineAt`). */
  texts: Int32Array;
  /** The repeated texts first seen in this batch; `strings[0]` has the id `base`. A base of 0 starts the table afresh. */
  base: number;
  strings: string[];
  /** Texts that rarely repeat (addresses, users, resource ids), in the order the records use them. */
  inline: string[];
  /** Records other than requests (probe, webhook, anything not an object), parsed, for the replay to sort out. */
  others: unknown[];
}

/** A replay line's record type: `type` when given, `request` when absent; undefined for a line that is not an object. */
export function recordType(record: unknown): unknown {
  return record !== null && typeof record === 'object' ? ((record as { type?: unknown }).type ?? 'request') : undefined;
}

export const REQUEST = 0;
export const OTHER = 1;
export const REJECTED = 2;

export const BATCH_RECORDS = 2_048;

// Slots per request record.
const TS = 0;
const STATUS = 1;
const LATENCY = 2;
const BYTES_OUT = 3;
const ASN = 4;
const AUTH = 5;
const NUMBERS = 6;
const ROUTE = 0;
const IP = 1;
const METHOD = 2;
const RESOURCE = 3;
const USER = 4;
const UA = 5;
const COUNTRY = 6;
const TEXTS = 7;

const NONE = -1;
/** An inline text's place and its id in `texts` map to each other (below NONE); the mapping is its own inverse. */
const inlineAt = (n: number) => -2 - n;
const AUTH_OUTCOMES: AuthOutcome[] = ['none', 'success', 'failure'];

/**
 * Repeated texts (routes, methods, user agents, countries) kept before both sides start their tables afresh,
 * counted and in characters: user agents can all differ, and both threads hold every text until then.
 */
const MAX_STRINGS = 500_000;
const MAX_CHARS = 16_000_000;

/** The reader thread's side: one batch filled at a time, each repeated text given an id once. */
export class RecordBatchWriter {
  private readonly ids = new Map<string, number>();
  private chars = 0;
  private batch = emptyBatch(0);

  get full(): boolean {
    return this.batch.count === BATCH_RECORDS;
  }

  get empty(): boolean {
    return this.batch.count === 0;
  }

  request(o: RequestObservation): void {
    const b = this.batch;
    const n = b.count++;
    b.kinds[n] = REQUEST;
    const x = n * NUMBERS;
    b.numbers[x + TS] = o.ts;
    b.numbers[x + STATUS] = o.status;
    b.numbers[x + LATENCY] = o.latencyMs ?? NaN;
    b.numbers[x + BYTES_OUT] = o.bytesOut ?? NaN;
    b.numbers[x + ASN] = o.asn ?? NaN;
    b.numbers[x + AUTH] = AUTH_OUTCOMES.indexOf(o.auth);
    const t = n * TEXTS;
    // A table lookup per distinct address or resource id costs the reader more than sending the text: among
    // 100,000 addresses each lookup misses the cache.
    b.texts[t + ROUTE] = this.id(o.route);
    b.texts[t + IP] = this.inline(o.ip);
    b.texts[t + METHOD] = this.id(o.method);
    b.texts[t + RESOURCE] = this.inline(o.resource);
    b.texts[t + USER] = this.inline(o.user);
    b.texts[t + UA] = this.id(o.ua);
    b.texts[t + COUNTRY] = this.id(o.country);
  }

  other(record: unknown): void {
    this.batch.kinds[this.batch.count++] = OTHER;
    this.batch.others.push(record);
  }

  rejected(): void {
    this.batch.kinds[this.batch.count++] = REJECTED;
  }

  /** The batch so far and the buffers to transfer with it; the next batch starts empty. */
  take(): { batch: RecordBatch; transfer: ArrayBuffer[] } {
    const batch = this.batch;
    const base = batch.base + batch.strings.length;
    if (this.ids.size >= MAX_STRINGS || this.chars >= MAX_CHARS) {
      this.ids.clear();
      this.chars = 0;
      this.batch = emptyBatch(0);
    } else {
      this.batch = emptyBatch(base);
    }
    return { batch, transfer: [batch.kinds.buffer as ArrayBuffer, batch.numbers.buffer as ArrayBuffer, batch.texts.buffer as ArrayBuffer] };
  }

  private inline(s: string | undefined): number {
    if (s === undefined) return NONE;
    return inlineAt(this.batch.inline.push(s) - 1);
  }

  private id(s: string | undefined): number {
    if (s === undefined) return NONE;
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.batch.base + this.batch.strings.length;
      this.batch.strings.push(s);
      this.ids.set(s, id);
      this.chars += s.length;
    }
    return id;
  }
}

function emptyBatch(base: number): RecordBatch {
  return { count: 0, kinds: new Uint8Array(BATCH_RECORDS), numbers: new Float64Array(BATCH_RECORDS * NUMBERS), texts: new Int32Array(BATCH_RECORDS * TEXTS), base, strings: [], inline: [], others: [] };
}

/** The replay's side: the texts seen so far, and each request rebuilt as the observation the detectors see. */
export class RecordBatchReader {
  private readonly strings: string[] = [];

  /** `serviceOf` decides a route's service, as it does for `validateRecord`; the reader thread leaves that to it. */
  constructor(private readonly serviceOf: (route: string) => string) {}

  /** Takes the batch's new texts; call before reading its records. */
  add(batch: RecordBatch): void {
    if (batch.base === 0) this.strings.length = 0;
    for (const s of batch.strings) this.strings.push(s);
  }

  request(b: RecordBatch, n: number): RequestObservation {
    const x = n * NUMBERS;
    const t = n * TEXTS;
    const route = this.strings[b.texts[t + ROUTE]!]!;
    // The fields in validateRecord's order: the detectors then see one object shape from either.
    return {
      type: 'request',
      service: this.serviceOf(route),
      ts: b.numbers[x + TS]!,
      route,
      status: b.numbers[x + STATUS]!,
      ip: this.text(b, b.texts[t + IP]!)!,
      auth: AUTH_OUTCOMES[b.numbers[x + AUTH]!]!,
      method: this.text(b, b.texts[t + METHOD]!),
      resource: this.text(b, b.texts[t + RESOURCE]!),
      latencyMs: optionalNumber(b.numbers[x + LATENCY]!),
      user: this.text(b, b.texts[t + USER]!),
      bytesOut: optionalNumber(b.numbers[x + BYTES_OUT]!),
      ua: this.text(b, b.texts[t + UA]!),
      country: this.text(b, b.texts[t + COUNTRY]!),
      asn: optionalNumber(b.numbers[x + ASN]!),
    };
  }

  private text(b: RecordBatch, id: number): string | undefined {
    return id >= 0 ? this.strings[id] : id === NONE ? undefined : b.inline[inlineAt(id)];
  }
}

const optionalNumber = (v: number) => (Number.isNaN(v) ? undefined : v);
