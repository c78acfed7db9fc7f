import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RequestObservation } from '../../src/correlate/observation.js';
import { BATCH_RECORDS, OTHER, RecordBatchReader, RecordBatchWriter, REJECTED, REQUEST, type RecordBatch } from '../../src/replay/record-batch.js';
import { readRecords } from '../../src/replay/record-reader.js';
import { validateRecord } from '../../src/telemetry-record.js';
import { tempDir } from '../helpers/temp.js';

const T0 = Date.parse('2026-11-23T20:00:00Z');
const serviceOf = (route: string) => `svc:${route}`;

function valid(raw: Record<string, unknown>): RequestObservation {
  const o = validateRecord(raw, serviceOf);
  if (typeof o === 'string') throw new Error(o);
  return o;
}

describe('RecordBatchWriter and RecordBatchReader', () => {
  it('rebuild each request as validateRecord made it, fields in the same order, absent ones undefined', () => {
    const full = valid({ ts: T0, method: 'get', route: '/v1/orders/:id', path: '/v1/orders/42', status: 200, latencyMs: 12.5, ip: '2001:db8::1', user: 'ana@example.com', auth: 'success', bytesOut: 0, ua: 'curl/8', country: 'de', asn: 0 });
    const bare = valid({ ts: T0 + 1, route: '/auth/login', status: 401, ip: '198.51.100.7' });
    const writer = new RecordBatchWriter();
    writer.request(full);
    writer.request(bare);
    const { batch } = writer.take();
    const reader = new RecordBatchReader(serviceOf);
    reader.add(batch);
    for (const [n, expected] of [full, bare].entries()) {
      const got = reader.request(batch, n);
      expect(got).toStrictEqual(expected);
      expect(Object.keys(got)).toEqual(Object.keys(expected));
    }
  });

  it('keep requests, other records and rejected lines in their order', () => {
    const writer = new RecordBatchWriter();
    const probe = { type: 'probe', ts: T0, check: 'login', service: 'auth', ok: false };
    writer.rejected();
    writer.request(valid({ ts: T0, route: '/a', status: 200, ip: '198.51.100.1' }));
    writer.other(probe);
    writer.other(7);
    const { batch, transfer } = writer.take();
    expect([...batch.kinds.subarray(0, batch.count)]).toEqual([REJECTED, REQUEST, OTHER, OTHER]);
    expect(batch.others).toEqual([probe, 7]);
    expect(transfer).toHaveLength(3);
    expect(writer.empty).toBe(true);
  });

  it('send a repeated text once, and later batches refer to it by id', () => {
    const writer = new RecordBatchWriter();
    const reader = new RecordBatchReader(serviceOf);
    const read = (b: RecordBatch) => {
      reader.add(b);
      return Array.from({ length: b.count }, (_, n) => reader.request(b, n));
    };
    for (let i = 0; i < 3; i++) writer.request(valid({ ts: T0 + i, method: 'GET', route: '/v1/orders/:id', status: 200, ip: `198.51.100.${i + 1}`, ua: 'Firefox/140', country: 'NL' }));
    const first = writer.take().batch;
    expect(first.strings).toEqual(['/v1/orders/:id', 'GET', 'Firefox/140', 'NL']);
    expect(first.inline).toEqual(['198.51.100.1', '198.51.100.2', '198.51.100.3']);
    expect(read(first).map((o) => o.ip)).toEqual(['198.51.100.1', '198.51.100.2', '198.51.100.3']);
    writer.request(valid({ ts: T0 + 9, method: 'GET', route: '/v1/orders/:id', status: 200, ip: '198.51.100.9', ua: 'Firefox/140', country: 'NL' }));
    const second = writer.take().batch;
    expect(second.strings).toEqual([]);
    expect(second.base).toBe(4);
    expect(read(second)).toEqual([expect.objectContaining({ route: '/v1/orders/:id', service: 'svc:/v1/orders/:id', method: 'GET', ua: 'Firefox/140', country: 'NL', ip: '198.51.100.9' })]);
  });

  it('start both tables afresh once the repeated texts pass their bound, and decode the same afterwards', () => {
    const writer = new RecordBatchWriter();
    const reader = new RecordBatchReader(serviceOf);
    // A route per record, long enough that a few batches pass the bound in characters.
    const route = (i: number) => `/r/${i}/${'x'.repeat(2_000)}`;
    let restarted = false;
    for (let i = 0; i < 6 * BATCH_RECORDS; i++) {
      writer.request(valid({ ts: T0 + i, route: route(i), status: 200, ip: '198.51.100.1' }));
      if (!writer.full) continue;
      const { batch } = writer.take();
      if (batch.base === 0 && i >= BATCH_RECORDS) restarted = true;
      reader.add(batch);
      for (let n = 0; n < batch.count; n++) {
        const o = reader.request(batch, n);
        expect(o.route).toBe(route(i - batch.count + 1 + n));
        expect(o.service).toBe(serviceOf(o.route));
      }
    }
    expect(restarted).toBe(true);
  });
});

describe('readRecords', () => {
  it('hands over every line in order from a thread of its own, batch by batch', async () => {
    const file = path.join(tempDir(), 'traffic.ndjson');
    const lines: string[] = [];
    for (let i = 0; i < 2 * BATCH_RECORDS + 10; i++) lines.push(JSON.stringify({ ts: T0 + i, route: '/v1/x', status: 200, ip: '198.51.100.1', latencyMs: i }));
    lines.splice(100, 0, 'not json', '', JSON.stringify({ type: 'probe', ts: T0, check: 'c', service: 's', ok: true }), JSON.stringify({ ts: T0, route: '/v1/x', status: 999, ip: '198.51.100.1' }));
    writeFileSync(file, lines.join('\n'));
    const reader = new RecordBatchReader(serviceOf);
    const latencies: number[] = [];
    const kinds: number[] = [];
    let batches = 0;
    await readRecords(file, (batch) => {
      batches++;
      reader.add(batch);
      for (let n = 0; n < batch.count; n++) {
        kinds.push(batch.kinds[n]!);
        if (batch.kinds[n] === REQUEST) latencies.push(reader.request(batch, n).latencyMs!);
      }
    });
    expect(batches).toBe(3);
    expect(latencies).toEqual(Array.from({ length: 2 * BATCH_RECORDS + 10 }, (_, i) => i));
    // The blank line is skipped; the bad JSON and the invalid request are rejected where they stood.
    expect(kinds.slice(99, 104)).toEqual([REQUEST, REJECTED, OTHER, REJECTED, REQUEST]);
  });

  it('fails with the file system error for a missing file', async () => {
    await expect(readRecords(path.join(tempDir(), 'missing.ndjson'), () => {})).rejects.toMatchObject({ code: 'ENOENT', message: expect.stringContaining('no such file or directory') });
  });

  it('fails with the error the handler threw', async () => {
    const file = path.join(tempDir(), 'traffic.ndjson');
    writeFileSync(file, `${JSON.stringify({ ts: T0, route: '/v1/x', status: 200, ip: '198.51.100.1' })}\n`);
    await expect(
      readRecords(file, () => {
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
  });
});
