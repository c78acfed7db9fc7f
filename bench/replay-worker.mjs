// Replays an NDJSON file through the real detectors and correlator and prints throughput and peak memory.
// argv: <file> [--bare] — with --bare, only reads and parses the lines (the baseline).
// It runs the built code in dist/, which `picket replay` runs and `npm run bench` builds first, and is plain JavaScript
// so that Node runs it without tsx, as it runs `picket replay`: tsx's loader would start again in the reader thread.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Replayer } from '../dist/replay/replayer.js';

const [file, mode] = process.argv.slice(2);
const started = performance.now();
let records = 0;
let incidents = [];
if (mode === '--bare') {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line !== '') JSON.parse(line);
    records++;
  }
} else {
  const replayer = new Replayer();
  incidents = (await replayer.replayFile(file)).map((i) => i.class);
  records = replayer.stats.records;
  await replayer.close();
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ records, seconds, perSecond: records / seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, incidents })}\n`);
