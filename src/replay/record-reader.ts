import { Worker } from 'node:worker_threads';
import type { RecordBatch } from './record-batch.js';

export type ReaderMessage = { batch: RecordBatch } | { done: true } | { error: { message: string; code?: string } };

/** Batches the reader may run ahead of the replay: enough to keep both threads busy, few enough to bound memory. */
const IN_FLIGHT = 4;

/**
 * Run from the TypeScript sources (the tests do), the thread's module is a `.ts` file, which Node loads only through
 * tsx; the built package runs its `.js` directly.
 */
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const THREAD = new URL(`./record-reader-thread.${FROM_SOURCES ? 'ts' : 'js'}`, import.meta.url);
const TSX_BOOT = `const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((tsx) => tsx.register()).then(() => import(workerData.thread));`;

/**
 * Reads an NDJSON file of records on a thread of its own, which parses and validates them, and hands each batch to
 * `onBatch` in the file's order; a batch is read while the one before it is handled. Resolves after the last one.
 */
export function readRecords(file: string, onBatch: (batch: RecordBatch) => void): Promise<void> {
  const workerData = { file, inFlight: IN_FLIGHT };
  const worker = FROM_SOURCES
    ? new Worker(TSX_BOOT, { eval: true, workerData: { ...workerData, tsx: import.meta.resolve('tsx/esm/api'), thread: THREAD.href } })
    : new Worker(THREAD, { workerData });
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      // The thread ends by itself after its last batch; stopping it here also covers a handler that failed.
      void worker.terminate();
      if (err) reject(err);
      else resolve();
    };
    worker.on('message', (m: ReaderMessage) => {
      if (settled) return;
      if ('batch' in m) {
        try {
          onBatch(m.batch);
        } catch (err) {
          return settle(err as Error);
        }
        worker.postMessage(0);
      } else if ('done' in m) {
        settle();
      } else {
        settle(Object.assign(new Error(m.error.message), { code: m.error.code }));
      }
    });
    worker.on('error', settle);
    worker.on('exit', (code) => settle(new Error(`the record reader stopped (exit code ${code})`)));
  });
}
