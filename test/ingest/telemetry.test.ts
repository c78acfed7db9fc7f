import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RequestObservation } from '../../src/correlate/observation.js';
import { TelemetryIngest } from '../../src/ingest/telemetry.js';
import { ServiceMatcher } from '../../src/ingest/service-matcher.js';
import { createLogger } from '../../src/log.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/temp.js';

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

const record = (i: number) => ({ ts: Date.UTC(2026, 10, 23, 20, 0, i % 60), route: '/auth/login', status: 200, ip: `203.0.113.${i % 250}`, auth: 'success' });

describe('TelemetryIngest', () => {
  it('validates batches that arrive together each in a turn of its own, then stores and observes them all', async () => {
    store = Store.open(path.join(tempDir(), 'picket.db'));
    const matcher = new ServiceMatcher({ auth: { routes: ['/auth/*'], monitors: [] } });
    // The matcher runs once per record while a batch is validated: it tells which turn each batch was validated in.
    let turn = 0;
    const turnsOf = new Map<string, Set<number>>();
    const forRoute = matcher.forRoute;
    vi.spyOn(matcher, 'forRoute').mockImplementation((route: string) => {
      turnsOf.set(route, (turnsOf.get(route) ?? new Set()).add(turn));
      return forRoute(route);
    });
    let counting = true;
    const countTurns = (): void => void setImmediate(() => counting && (turn++, countTurns()));
    countTurns();
    const observed: RequestObservation[] = [];
    const ingest = new TelemetryIngest({
      maxBatchRecords: 1_000,
      maxBatchBytes: 1_000_000,
      matcher,
      store: store.ingest,
      logger: createLogger({ level: 'silent' }),
      onObservation: (o) => observed.push(o),
    });
    const batches = ['a', 'b', 'c', 'd'].map((name) => Array.from({ length: 200 }, (_, i) => ({ ...record(i), route: `/auth/${name}` })));
    const answers = await Promise.all(batches.map((b) => ingest.accept(b)));
    counting = false;
    ingest.close();

    expect(answers.map((a) => a.accepted)).toEqual([200, 200, 200, 200]);
    expect(observed).toHaveLength(800);
    const turns = ['a', 'b', 'c', 'd'].map((name) => [...turnsOf.get(`/auth/${name}`)!]);
    for (const t of turns) expect(t).toHaveLength(1);
    expect(new Set(turns.map((t) => t[0])).size).toBe(4);
    const stored = store.db.prepare('SELECT sum(count) FROM telemetry_minutes').pluck().get();
    expect(stored).toBe(800);
  });

  it('refuses a batch over maxBatchRecords whole, and still takes the next one', async () => {
    store = Store.open(path.join(tempDir(), 'picket.db'));
    const ingest = new TelemetryIngest({
      maxBatchRecords: 10,
      maxBatchBytes: 1_000_000,
      matcher: new ServiceMatcher({ auth: { routes: ['/auth/*'], monitors: [] } }),
      store: store.ingest,
      logger: createLogger({ level: 'silent' }),
      onObservation: () => undefined,
    });
    const [tooBig, fine] = await Promise.allSettled([ingest.accept(Array.from({ length: 11 }, (_, i) => record(i))), ingest.accept([record(1)])]);
    ingest.close();
    expect(tooBig).toMatchObject({ status: 'rejected', reason: { status: 413, error: 'payload_too_large' } });
    expect(fine).toMatchObject({ status: 'fulfilled', value: { accepted: 1, rejected: 0 } });
  });
});
