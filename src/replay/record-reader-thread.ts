import { open } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { validateRecord } from '../telemetry-record.js';
import { RecordBatchWriter, recordType } from './record-batch.js';
import type { ReaderMessage } from './record-reader.js';
import { RecordScanner } from './record-scanner.js';

const READ_CHUNK = 256 * 1024;
const NEWLINE = 0x0a;

/**
 * The reader thread: reads an NDJSON file, parses and validates each line, and posts the records in batches while
 * the replay's thread runs the detectors on the previous ones. It stays at most `inFlight` batches ahead.
 */
const port = parentPort!;
const { file, inFlight } = workerData as { file: string; inFlight: number };
const writer = new RecordBatchWriter();
const scanner = new RecordScanner();
// The replay decides services on its side, from the route.
const noService = () => '';
let unanswered = 0;
let answered: (() => void) | undefined;
const onAnswer = () => {
  unanswered--;
  answered?.();
};
port.on('message', onAnswer);

async function post(): Promise<void> {
  const { batch, transfer } = writer.take();
  port.postMessage({ batch } satisfies ReaderMessage, transfer);
  if (++unanswered < inFlight) return;
  await new Promise<void>((resolve) => (answered = resolve));
  answered = undefined;
}

/** The line `buf[start, end)`: read by the scanner when it is a flat request record, else parsed as text. */
function line(buf: Buffer, start: number, end: number): void {
  let record: unknown;
  if (scanner.scan(buf, start, end)) {
    record = scanner.record;
  } else {
    const text = buf.toString('utf8', start, end);
    if (text.trim() === '') return;
    try {
      record = JSON.parse(text);
    } catch {
      return writer.rejected();
    }
    if (recordType(record) !== 'request') return writer.other(record);
  }
  const o = validateRecord(record, noService);
  if (typeof o === 'string') writer.rejected();
  else writer.request(o);
}

/** Each line of `buf[0, end)`, the last one included even without a newline after it; a batch posted whenever it fills. */
async function lines(buf: Buffer, end: number): Promise<void> {
  let start = 0;
  for (let nl = buf.indexOf(NEWLINE, start); nl !== -1 && nl < end; nl = buf.indexOf(NEWLINE, start)) {
    line(buf, start, nl);
    start = nl + 1;
    if (writer.full) await post();
  }
  line(buf, start, end);
  if (writer.full) await post();
}

async function read(): Promise<void> {
  // Read into one reused buffer and split by hand: a stream's fresh buffer per chunk, its decoder and readline's
  // per-line events each cost more than reading a short record.
  const handle = await open(file, 'r');
  try {
    let buf = Buffer.allocUnsafe(READ_CHUNK);
    let kept = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, kept, buf.length - kept);
      const end = kept + bytesRead;
      if (bytesRead === 0) {
        await lines(buf, end);
        break;
      }
      // Cut after the last newline: a newline byte is never part of a multi-byte character, so no character is split.
      const last = buf.lastIndexOf(NEWLINE, end - 1);
      if (last === -1) {
        if (end === buf.length) buf = Buffer.concat([buf], buf.length * 2);
        kept = end;
        continue;
      }
      await lines(buf, last);
      kept = buf.copy(buf, 0, last + 1, end);
    }
  } finally {
    await handle.close();
  }
  if (!writer.empty) await post();
}

read().then(
  () => port.postMessage({ done: true } satisfies ReaderMessage),
  (err: NodeJS.ErrnoException) => port.postMessage({ error: { message: err.message, code: err.code } } satisfies ReaderMessage),
).finally(() => port.off('message', onAnswer));
