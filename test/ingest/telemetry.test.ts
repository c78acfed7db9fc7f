import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RequestObservation } from '../../src/correlate/observation.js';
import { TelemetryIngest, type TelemetryOptions } from '../../src/ingest/telemetry.js';
import { ServiceMatcher } from '../../src/ingest/service-matcher.js';
import { createLogger } from '../../src/log.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/temp.js';
import { turnRecorder } from '../helpers/turns.js';

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

/** A TelemetryIngest over a real store in a fresh folder, for the `auth` service's routes. */
function ingestWith(opts: Partial<TelemetryOptions> = {}): TelemetryIngest {
  store = Store.open(path.join(tempDir(), 'picket.db'));
  return new TelemetryIngest({
    maxBatchRecords: 1_000,
    maxBatchBytes: 1_000_000,
    matcher: new ServiceMatcher({ auth: { routes: ['/auth/*'], monitors: [] } }),
    store: store.ingest,
    logger: createLogger({ level: 'silent' }),
    onObservation: () => undefined,
    ...opts,
  });
}

const record = (i: number) => ({ ts: Date.UTC(2026, 10, 23, 20, 0, i % 60), route: '/auth/login', status: 200, ip: `203.0.113.${i % 250}`, auth: 'success' });

describe('TelemetryIngest', () => {
  it('validates batches that arrive together each in a turn of its own, then stores and observes them all', async () => {
    const matcher = new ServiceMatcher({ auth: { routes: ['/auth/*'], monitors: [] } });
    // The matcher runs once per record while a batch is validated: it tells which turn each batch was validated in.
    const turns = turnRecorder<string>();
    const forRoute = matcher.forRoute;
    vi.spyOn(matcher, 'forRoute').mockImplementation((route: string) => {
      turns.note(route);
      return forRoute(route);
    });
    const observed: RequestObservation[] = [];
    const ingest = ingestWith({ matcher, onObservation: (o) => observed.push(o) });
    const names = ['a', 'b', 'c', 'd'];
    const batches = names.map((name) => Array.from({ length: 200 }, (_, i) => ({ ...record(i), route: `/auth/${name}` })));
    const answers = await Promise.all(batches.map((b) => ingest.accept(b)));
    ingest.close();

    expect(answers.map((a) => a.accepted)).toEqual([200, 200, 200, 200]);
    expect(observed).toHaveLength(800);
    // One batch a turn, whole: four turns of 200 validations, each turn one batch's routes.
    expect(turns.perTurn).toEqual([200, 200, 200, 200]);
    expect(turns.seen).toEqual(names.flatMap((name) => Array<string>(200).fill(`/auth/${name}`)));
    expect(store!.db.prepare('SELECT sum(count) FROM telemetry_minutes').pluck().get()).toBe(800);
  });

  it('refuses a batch over maxBatchRecords whole, and still takes the next one', async () => {
    const ingest = ingestWith({ maxBatchRecords: 10 });
    const [tooBig, fine] = await Promise.allSettled([ingest.accept(Array.from({ length: 11 }, (_, i) => record(i))), ingest.accept([record(1)])]);
    ingest.close();
    expect(tooBig).toMatchObject({ status: 'rejected', reason: { status: 413, error: 'payload_too_large' } });
    expect(fine).toMatchObject({ status: 'fulfilled', value: { accepted: 1, rejected: 0 } });
  });
});
