import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies the WAL into the database file from a worker thread with its own connection, so checkpoints (which
 * fsync) never run on the event loop. SQLite lets a checkpoint run beside a writer in WAL mode. The main
 * connection keeps a large auto-checkpoint as a safety net in case this worker stops.
 *
 * The thread also starts the WAL afresh itself. SQLite does that at the first commit after a pass copied the whole
 * WAL, and syncs the new WAL's header: 1–14 ms on a quiet disk and far longer on a busy one, which stalled the event
 * loop when the commit was its own (about once a second with 10,000 checks). A second connection keeps a snapshot
 * open, which stops any commit from starting the WAL afresh; only a pass that writers wait for lets go of it, and
 * the thread then makes the new WAL's first commit itself.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
const reader = new Database(workerData.file, { fileMustExist: true });
reader.pragma('busy_timeout = 1000');
const readFirstPage = reader.prepare('SELECT 1 FROM sqlite_master LIMIT 1');
// db's data_version when the reader took its snapshot; it changes when another connection commits.
let pinnedAt;
// Moves the reader's snapshot to the newest commit, so a pass still copies everything committed before it. Only when
// something was committed since: with every frame copied the new snapshot would not hold the WAL.
function pin() {
  const version = db.pragma('data_version', { simple: true });
  if (version === pinnedAt) return false;
  unpin();
  reader.exec('BEGIN');
  readFirstPage.get();
  pinnedAt = version;
  return true;
}
function unpin() {
  if (reader.inTransaction) reader.exec('COMMIT');
  pinnedAt = undefined;
}
// The new WAL's first commit: the database's application id written back unchanged, one page.
const applicationId = db.pragma('application_id', { simple: true });
// Frames copied as of the last pass; a pass copied what it reports past these (all it reports, if the WAL restarted).
let backfilled = 0;
function checkpoint() {
  const [r] = db.pragma('wal_checkpoint(PASSIVE)');
  const copied = r.checkpointed - (r.log >= backfilled ? backfilled : 0);
  backfilled = r.checkpointed;
  return { log: r.log, checkpointed: r.checkpointed, copied };
}
// Writes a file's cached pages to disk. SQLite syncs the database only after a pass that copies the whole WAL, so the
// pages the timed passes copied (about 2 MB a second in a webhook stream) were still cached when writers were held,
// and the held pass's sync wrote them all while writers waited: 15–17 ms. With both files synced just before, that
// pass syncs only its own hundred pages, and writers wait 3–5 ms. An extra sync is always safe.
function flush(path) {
  const fd = fs.openSync(path, 'r');
  try {
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
// A timed pass speaks only when the WAL is long. With nothing committed since the last pass, it has nothing to copy.
function timedPass() {
  if (!pin()) return;
  let r = checkpoint();
  // Before writers are held, copy what was committed during the pass too, until little comes in during one: the held
  // pass then has little to copy.
  for (let i = 0, seen = r.log; r.log >= workerData.restartFrames && i < workerData.catchUpPasses; i++) {
    pin();
    r = checkpoint();
    if (r.log - seen <= workerData.caughtUpFrames) break;
    seen = r.log;
  }
  if (r.log < workerData.restartFrames) return;
  flush(workerData.file + '-wal');
  flush(workerData.file);
  parentPort.postMessage({ hold: 0, copied: r.copied });
}
// Writers wait for a held pass: it lets go of the snapshot, copies the whole WAL and makes the new WAL's first commit.
// It answers with the hold's number.
function heldPass(hold) {
  unpin();
  const r = checkpoint();
  if (r.log > 0 && r.checkpointed === r.log) db.pragma('application_id = ' + applicationId);
  pin();
  parentPort.postMessage({ hold, copied: r.copied });
}
function pass(hold) {
  try {
    if (hold > 0) heldPass(hold);
    else timedPass();
  } catch (err) {
    parentPort.postMessage({ hold, error: String(err && err.message || err) });
  }
}
const timer = setInterval(() => pass(0), workerData.intervalMs);
parentPort.on('message', (m) => {
  if (typeof m === 'number') return pass(m);
  clearInterval(timer);
  reader.close();
  db.close();
  process.exit(0);
});
`;

/**
 * A pass's report: the number of the hold that asked for it (0: a timed pass that found the WAL long) and the frames
 * it copied, or its error.
 */
interface PassReport {
  hold: number;
  copied?: number;
  error?: string;
}

/**
 * WAL frames (4 KiB pages) past which writers pause for one pass (16 MiB). SQLite restarts the WAL from its
 * beginning only when a write finds every frame copied; under a steady stream of commits one always lands during a
 * pass, so the WAL would grow until the main connection's auto-checkpoint, which copies and fsyncs on the event
 * loop: 60–80 ms stalls, about one a second in a webhook flood. A pass that follows a hold takes 3–5 ms there.
 * Since the thread's reader keeps other commits from starting the WAL afresh, this is also how often it restarts.
 */
const RESTART_FRAMES = 4_096;
/**
 * A timed pass that finds the WAL long runs again, up to CATCH_UP_PASSES times, while more than this many frames came
 * in during its last run; only then are writers held. Right after a webhook flood a pass finds hundreds of frames
 * committed while it ran, and copying and syncing them with writers held kept the first requests after the flood
 * waiting 50–65 ms (at 1,000 webhooks/s). Catching up first, while writers go on, about halves the frames a held pass
 * copies and the time writers are held.
 */
const CAUGHT_UP_FRAMES = 256;
const CATCH_UP_PASSES = 4;
/** Writers never wait longer than this for the pass. */
const MAX_HOLD_MS = 250;

export class Checkpointer {
  private readonly worker: Worker;
  lastError: string | undefined;
  /** Resolves once the thread runs (or has failed to start: checkpoints then fall back to the main connection). */
  readonly started: Promise<void>;
  private hold: { promise: Promise<void>; release: () => void } | undefined;
  private holdCount = 0;
  private heldPassCopied = 0;

  constructor(file: string, opts: { intervalMs?: number; restartFrames?: number; catchUpPasses?: number } = {}) {
    const { intervalMs = 500, restartFrames = RESTART_FRAMES, catchUpPasses = CATCH_UP_PASSES } = opts;
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    // The worker only runs a few pragmas twice a second: a small heap is plenty.
    this.worker = new Worker(WORKER, { eval: true, workerData: { file, module, intervalMs, restartFrames, caughtUpFrames: CAUGHT_UP_FRAMES, catchUpPasses }, resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 } });
    this.worker.on('message', (m: PassReport) => this.reported(m));
    this.worker.on('error', (err) => {
      this.lastError = err.message;
      this.release();
    });
    this.worker.on('exit', () => this.release());
    // Referenced until it runs, so a caller awaiting `started` keeps the process alive; never after.
    this.started = new Promise<void>((resolve) => {
      this.worker.once('online', resolve);
      this.worker.once('exit', () => resolve());
    }).then(() => void this.worker.unref());
  }

  /** Holds so far; the current one's number, which its pass answers with. */
  get holds(): number {
    return this.holdCount;
  }

  /** Frames the passes that writers waited for have copied, in all. */
  get heldPassFrames(): number {
    return this.heldPassCopied;
  }

  /**
   * A promise while writers should wait for a pass to copy the whole WAL (so the next write restarts it),
   * otherwise undefined. Only batched writers wait; a write that cannot (an incident) only delays the restart.
   */
  writesHeld(): Promise<void> | undefined {
    return this.hold?.promise;
  }

  async stop(): Promise<void> {
    this.release();
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage('stop');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 2_000)))]);
    clearTimeout(timer);
  }

  private reported(m: PassReport): void {
    if (m.error !== undefined) this.lastError = m.error;
    // A late answer to a hold that already timed out must not end a newer one.
    if (m.hold > 0) {
      if (m.hold === this.holdCount) {
        this.heldPassCopied += m.copied ?? 0;
        this.release();
      }
    } else if (m.error === undefined && !this.hold) {
      this.holdWriters();
    }
  }

  private holdWriters(): void {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    const timer = setTimeout(() => this.release(), MAX_HOLD_MS).unref();
    this.hold = {
      promise,
      release: () => {
        clearTimeout(timer);
        resolve();
      },
    };
    this.worker.postMessage(++this.holdCount);
  }

  private release(): void {
    const hold = this.hold;
    this.hold = undefined;
    hold?.release();
  }
}
