// Sends signed Lagnis webhooks on a fixed schedule and prints one JSON line: latency p50/p99/max, failures, and its own
// longest stall. A process of its own, so what earlier suites left in the bench's heap cannot stall it.
// argv: <url> <perSecond> <seconds>
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { nextWebhook } from './lagnis-webhook.js';
import { percentile } from './lib.js';

/**
 * Signed webhooks sent on a fixed schedule, one every 1000/perSecond ms whatever the answers, each timed from when it
 * was due (as wrk2 does): a stall shows as the lateness of every request due during it. autocannon's `overallRate`
 * is no good here: each connection sends its share of a second back to back and then waits for the next second, so
 * the load comes as bursts, and its correction for the requests a stall kept from being sent assumes one every 1 ms
 * per connection (16 times too many at 1,000/s over 16 connections).
 */
async function pacedWebhooks(url: string, perSecond: number, seconds: number): Promise<{ latencies: number[]; failed: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const total = perSecond * seconds;
  const interval = 1000 / perSecond;
  const latencies: number[] = [];
  let failed = 0;
  await new Promise<void>((resolve) => {
    const answered = (due: number, ok: boolean) => {
      latencies.push(performance.now() - due);
      if (!ok) failed++;
      if (latencies.length === total) resolve();
    };
    const send = (due: number) => {
      const { body, headers } = nextWebhook();
      const req = http.request(url, { method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.on('end', () => answered(due, res.statusCode === 202));
      });
      req.on('error', () => answered(due, false));
      req.end(body);
    };
    const start = performance.now();
    let sent = 0;
    const sendDue = () => {
      const now = performance.now();
      for (; sent < total && start + sent * interval <= now; sent++) send(start + sent * interval);
      if (sent < total) setTimeout(sendDue, Math.max(0, start + sent * interval - performance.now()));
    };
    sendDue();
  });
  agent.destroy();
  return { latencies, failed };
}

/** What the sender prints: one round's latencies in ms, requests not answered 202, and its own longest stall. */
export interface PacedRound {
  p50: number;
  p99: number;
  max: number;
  failed: number;
  /** The sender's own longest stall: a request it sends late is timed from when it was due, so it shows as latency. */
  senderLagMs: number;
}

const [url, perSecond, seconds] = process.argv.slice(2);
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
const r = await pacedWebhooks(url!, Number(perSecond), Number(seconds));
lag.disable();
const l = r.latencies;
const round: PacedRound = { p50: percentile(l, 50), p99: percentile(l, 99), max: Math.max(...l), failed: r.failed, senderLagMs: lag.max / 1e6 };
console.log(JSON.stringify(round));
