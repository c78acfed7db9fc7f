import cron from 'node-cron';

export interface MaintenanceWindow {
  service: string;
  cron: string;
  duration: number;
  reason?: string;
  timezone?: string;
}

interface Compiled extends MaintenanceWindow {
  fields: ReturnType<typeof cron.parse>;
  /** Standard cron: when both day fields are restricted, either may match. */
  eitherDay: boolean;
}

const MINUTE = 60_000;

function timeParts(ms: number, timezone: string | undefined): { minute: number; hour: number; day: number; month: number; weekday: number } {
  if (!timezone) {
    const d = new Date(ms);
    return { minute: d.getMinutes(), hour: d.getHours(), day: d.getDate(), month: d.getMonth() + 1, weekday: d.getDay() };
  }
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', minute: 'numeric', hour: 'numeric', day: 'numeric', month: 'numeric', weekday: 'short' })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday ?? '');
  return { minute: Number(parts.minute), hour: Number(parts.hour), day: Number(parts.day), month: Number(parts.month), weekday };
}

/**
 * Maintenance windows: a cron expression marks when each window starts, `duration` how long it lasts. While one
 * is open for a service, its incidents are recorded but their pages are held.
 */
export class MaintenanceWindows {
  private readonly windows: Compiled[];

  constructor(windows: MaintenanceWindow[]) {
    this.windows = windows.map((w) => {
      const fields = cron.parse(w.cron);
      return { ...w, fields, eitherDay: fields.dayOfMonth.length < 31 && fields.dayOfWeek.length < 7 };
    });
  }

  private starts(w: Compiled, ms: number): boolean {
    const t = timeParts(ms, w.timezone);
    const f = w.fields;
    if (!f.minute.includes(t.minute) || !f.hour.includes(t.hour) || !f.month.includes(t.month)) return false;
    const dom = (f.dayOfMonth as (number | string)[]).includes(t.day);
    const dow = (f.dayOfWeek as (number | string)[]).includes(t.weekday) || (t.weekday === 0 && (f.dayOfWeek as (number | string)[]).includes(7));
    return w.eitherDay ? dom || dow : dom && dow;
  }

  /** The window open for `service` at `now`, with when it ends; undefined when none is. */
  activeFor(service: string, now: number): { endsAt: number; reason: string } | undefined {
    let best: { endsAt: number; reason: string } | undefined;
    for (const w of this.windows) {
      if (w.service !== service) continue;
      const latest = Math.floor(now / MINUTE) * MINUTE;
      for (let start = latest; start > now - w.duration; start -= MINUTE) {
        if (!this.starts(w, start)) continue;
        const endsAt = start + w.duration;
        if (!best || endsAt > best.endsAt) best = { endsAt, reason: `maintenance window (${w.cron}${w.reason ? `: ${w.reason}` : ''})` };
        break;
      }
    }
    return best;
  }
}
