import type { Db } from './database.js';

export interface Silence {
  id: number;
  service?: string;
  class?: string;
  checkId?: string;
  reason: string;
  createdBy?: string;
  createdAt: number;
  startsAt: number;
  endsAt: number;
}

interface Row {
  id: number;
  service: string | null;
  class: string | null;
  check_id: string | null;
  reason: string;
  created_by: string | null;
  created_at: number;
  starts_at: number;
  ends_at: number;
}

function fromRow(r: Row): Silence {
  const s: Silence = { id: r.id, reason: r.reason, createdAt: r.created_at, startsAt: r.starts_at, endsAt: r.ends_at };
  if (r.service !== null) s.service = r.service;
  if (r.class !== null) s.class = r.class;
  if (r.check_id !== null) s.checkId = r.check_id;
  if (r.created_by !== null) s.createdBy = r.created_by;
  return s;
}

/** Silences: pages held for a service, class or check until they end. */
export class SilenceRepository {
  constructor(private readonly db: Db) {}

  create(s: Omit<Silence, 'id'>): Silence {
    const id = Number(
      this.db
        .prepare('INSERT INTO silences (service, class, check_id, reason, created_by, created_at, starts_at, ends_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(s.service ?? null, s.class ?? null, s.checkId ?? null, s.reason, s.createdBy ?? null, s.createdAt, s.startsAt, s.endsAt).lastInsertRowid,
    );
    return { ...s, id };
  }

  active(now: number): Silence[] {
    return (this.db.prepare('SELECT * FROM silences WHERE starts_at <= ? AND ends_at > ? ORDER BY id').all(now, now) as Row[]).map(fromRow);
  }

  /** Ends a silence now. */
  expire(id: number, now: number): boolean {
    return this.db.prepare('UPDATE silences SET ends_at = ? WHERE id = ? AND ends_at > ?').run(now, id, now).changes === 1;
  }

  list(limit: number): Silence[] {
    return (this.db.prepare('SELECT * FROM silences ORDER BY id DESC LIMIT ?').all(limit) as Row[]).map(fromRow);
  }
}
