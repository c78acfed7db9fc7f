import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies the WAL into the database file from a worker thread with its own connection, so checkpoints (which
 * fsync) never run on the event loop. SQLite lets a checkpoint run beside a writer in WAL mode. The main
 * connection keeps a large auto-checkpoint as a safety net in case this worker stops.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); process.exit(0); });
`;

export class Checkpointer {
  private readonly worker: Worker;
  lastError: string | undefined;
  /** Resolves once the thread runs (or has failed to start: checkpoints then fall back to the main connection). */
  readonly started: Promise<void>;

  constructor(file: string, intervalMs = 500) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    // The worker only runs a pragma twice a second: a small heap is plenty.
    this.worker = new Worker(WORKER, { eval: true, workerData: { file, module, intervalMs }, resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 } });
    this.worker.on('message', (m: { error?: string }) => (this.lastError = m.error));
    this.worker.on('error', (err) => (this.lastError = err.message));
    // Referenced until it runs, so a caller awaiting `started` keeps the process alive; never after.
    this.started = new Promise<void>((resolve) => {
      this.worker.once('online', resolve);
      this.worker.once('exit', () => resolve());
    }).then(() => void this.worker.unref());
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage('stop');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 2_000)))]);
    clearTimeout(timer);
  }
}
