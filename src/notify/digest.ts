import type { IncidentRepository } from '../store/incident-repository.js';
import type { OutboxRepository } from '../store/outbox-repository.js';
import { factsOf, type Notification } from './notification.js';

const DAY = 86_400_000;

/**
 * The daily digest: info-level incidents of the last day (never paged one by one) as one message per channel.
 * Keyed by date, so a restart on the same day does not send it twice.
 */
export function enqueueDigest(opts: {
  incidents: Pick<IncidentRepository, 'infoSince'>;
  outbox: Pick<OutboxRepository, 'enqueue'>;
  channels: string[];
  now: number;
  baseUrl: string;
  wake(): void;
}): number {
  const incidents = opts.incidents.infoSince(opts.now - DAY);
  if (incidents.length === 0) return 0;
  const day = new Date(opts.now).toISOString().slice(0, 10);
  let added = 0;
  for (const channel of opts.channels) {
    const key = `digest:${day}|${channel}`;
    const n: Notification = { kind: 'digest', key, createdAt: opts.now, incidents: incidents.map((i) => factsOf(i, opts.baseUrl)) };
    if (opts.outbox.enqueue({ incidentId: null, channel, step: `digest:${day}`, idempotencyKey: key, payload: JSON.stringify(n), dueAt: opts.now, createdAt: opts.now })) added++;
  }
  if (added > 0) opts.wake();
  return added;
}
