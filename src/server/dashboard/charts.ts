import { dayLabels, uptimeOf, type DailyRuns, type LatencyPoint } from '../../store/check-history.js';
import { html, type Html } from './html.js';
import { formatMs, formatPercent } from './format.js';

/** Colour class of an uptime figure, the way status pages grade it. */
export function uptimeGrade(uptime: number | null): string {
  if (uptime === null) return 'none';
  if (uptime >= 0.999) return 'good';
  if (uptime >= 0.99) return 'fair';
  if (uptime >= 0.95) return 'poor';
  return 'bad';
}

const GRADES = ['good', 'fair', 'poor', 'bad', 'none'] as const;

/**
 * Cell patterns the uptime bars fill merged stretches with; put once in every page that shows bars, so a run of
 * identical days is one element that still looks like separate cells.
 */
export function barPatterns(): Html {
  return html`<svg class="defs" width="0" height="0" aria-hidden="true"><defs>${GRADES.map(
    (g) => html`<pattern id="cells-${g}" width="4" height="20" patternUnits="userSpaceOnUse"><rect class="u-${g}" width="3" height="20"/></pattern>`,
  )}</defs></svg>`;
}

/**
 * One cell per day, oldest on the left; hovering names the day and its uptime. Consecutive days that read the same
 * (no data, or exactly 100 %) are one element with one figure for the stretch, which keeps a page of a thousand
 * checks' bars small; every other day is its own cell. The days are the last `days.runs.length` before `now`.
 */
export function uptimeBars(days: DailyRuns, now: number): Html {
  const cell = 4;
  const count = days.runs.length;
  const labels = dayLabels(now, count);
  // What merges: 0 no data, 1 exactly 100 %; 2 anything else, which never merges.
  const merges = (i: number) => (days.runs[i] === 0 ? 0 : days.ok[i] === days.runs[i] ? 1 : 2);
  const cells: Html[] = [];
  for (let start = 0; start < count; ) {
    const kind = merges(start);
    let end = start + 1;
    if (kind !== 2) while (end < count && merges(end) === kind) end++;
    let runs = 0;
    let ok = 0;
    for (let i = start; i < end; i++) {
      runs += days.runs[i]!;
      ok += days.ok[i]!;
    }
    const n = end - start;
    const when = n === 1 ? labels[start] : `${labels[start]} to ${labels[end - 1]} (${n} days)`;
    const uptime = uptimeOf(runs, ok);
    const figure = uptime === null ? 'no data' : `${formatPercent(uptime)} up (${ok}/${runs} runs)`;
    const grade = uptimeGrade(uptime);
    cells.push(html`<rect class="${n === 1 ? 'u' : 'm'}-${grade}" data-days="${n}" x="${start * cell}" y="0" width="${n * cell - 1}" height="20"><title>${when}: ${figure}</title></rect>`);
    start = end;
  }
  return html`<svg class="bars" viewBox="0 0 ${count * cell} 20" preserveAspectRatio="none" role="img" aria-label="uptime per day, last ${count} days">${cells}</svg>`;
}

/**
 * Latency line over a fixed time range (gaps where nothing answered) with failed stretches marked red below it.
 * `slots` points of `slotMs` each, ending at `end`.
 */
export function latencyChart(
  points: LatencyPoint[],
  opts: { end: number; slots: number; slotMs: number; label: string; className?: string; /** Empty slots bridged by the line (a check runs less often than once a slot). */ bridge?: number },
): Html {
  const W = 300;
  const H = 60;
  const start = opts.end - opts.slots * opts.slotMs;
  // An array and a loop rather than a Map and a spread: a thousand checks' charts are drawn for one overview.
  const bySlot = new Array<LatencyPoint | undefined>(opts.slots);
  let max = 1;
  for (const p of points) {
    const slot = Math.floor((p.ts - start) / opts.slotMs);
    if (slot >= 0 && slot < opts.slots) bySlot[slot] = p;
    if (p.avgMs != null && p.avgMs > max) max = p.avgMs;
  }
  const x = (slot: number) => ((slot + 0.5) / opts.slots) * W;
  const y = (ms: number) => H - 4 - (ms / max) * (H - 12);
  // Each stretch of answered slots is a line, or a dot when it is one slot; its points are one string, built as they come.
  const lines: Html[] = [];
  const dots: Html[] = [];
  let stretch = '';
  let stretchPoints = 0;
  let cx = '';
  let cy = '';
  const endStretch = () => {
    if (stretchPoints > 1) lines.push(html`<polyline points="${stretch}"/>`);
    else if (stretchPoints === 1) dots.push(html`<circle cx="${cx}" cy="${cy}" r="1.5"/>`);
    stretch = '';
    stretchPoints = 0;
  };
  let lastSlot = -Infinity;
  const failures: Html[] = [];
  for (let slot = 0; slot < opts.slots; slot++) {
    const p = bySlot[slot];
    if (p?.avgMs != null) {
      if (slot - lastSlot - 1 > (opts.bridge ?? 0)) endStretch();
      cx = x(slot).toFixed(1);
      cy = y(p.avgMs).toFixed(1);
      stretch += stretchPoints++ === 0 ? `${cx},${cy}` : ` ${cx},${cy}`;
      lastSlot = slot;
    }
    if (p?.uptime != null && p.uptime < 1) {
      failures.push(html`<rect class="fail" x="${((slot / opts.slots) * W).toFixed(1)}" y="${H - 3}" width="${Math.max(1, W / opts.slots).toFixed(1)}" height="3"><title>${new Date(p.ts).toISOString().slice(0, 16)}Z: ${formatPercent(p.uptime)} up</title></rect>`);
    }
  }
  endStretch();
  return html`<svg class="${opts.className ?? 'chart'}" viewBox="0 0 ${W} ${H}" preserveAspectRatio="none" role="img" aria-label="${opts.label}">
${opts.className === 'chart-wide' ? html`<text x="2" y="9">${formatMs(max)}</text>` : ''}${lines}${dots}${failures}</svg>`;
}
