import type { TimelineEntry } from '../../correlate/incident.js';
import type { Evidence } from '../../correlate/signal.js';
import { TopK } from '../../detect/top-k.js';
import type { DailyRuns, LatencyPoint, RawPoint } from '../../store/check-history.js';
import type { CheckView } from '../api/checks.js';
import type { IncidentView } from '../api/incidents.js';
import type { ServiceSummary } from '../api/services.js';
import { barPatterns, latencyChart, uptimeBars } from './charts.js';
import { formatMs, formatPercent, formatSpan, isoTime } from './format.js';
import { yieldToLoop } from '../../event-loop.js';
import { html, type Html } from './html.js';

const HOUR_MS = 3_600_000;

export interface DashboardCheck extends CheckView {
  days: DailyRuns;
  hourly: LatencyPoint[];
}

/**
 * A check on the overview: its figures, and its days and hours made when its row is drawn, so they are garbage by
 * the next row instead of living (and being copied by every collection) until the page is sent.
 */
export interface ListedCheck extends CheckView {
  detail(): DashboardCheck;
}

/** The page around its content, as the markup before and after it: the overview is sent a part at a time. */
function layoutParts(title: string, now: number): { head: Html; tail: Html } {
  return {
    head: html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · picket</title><link rel="stylesheet" href="/assets/picket.css"><link rel="icon" href="data:,"></head>
<body>${barPatterns()}<header class="top"><h1><a href="/">picket</a></h1><span class="meta" id="updated">as of ${isoTime(now)} · refreshes every 10 s</span>
<form id="token-form"><input id="admin-token" type="password" autocomplete="off" placeholder="admin token" aria-label="admin token"><button type="submit">Save</button></form></header>
<main id="content">`,
    tail: html`</main><div id="notice" role="status"></div><script src="/assets/picket.js"></script></body></html>`,
  };
}

function layout(title: string, now: number, content: Html): Html {
  const { head, tail } = layoutParts(title, now);
  return html`${head}${content}${tail}`;
}

function stateBadge(state: string): Html {
  return html`<span class="badge s-${state}">${state}</span>`;
}

/** A titled list of keys with their counts, the first `shown` of them (the caller sorts). */
function counted<T>(title: string, list: { key: T; count: number }[] | undefined, shown = 5): Html | '' {
  if (!list?.length) return '';
  return html`<div><strong>${title}</strong><ul>${list.slice(0, shown).map((c) => html`<li><code>${String(c.key)}</code> × ${c.count}</li>`)}</ul></div>`;
}

function evidenceBlock(e: Evidence): Html {
  const statuses = Object.entries(e.statuses ?? {}).sort((a, b) => b[1] - a[1]);
  return html`<div class="evidence">${counted('Top IPs', e.ips)}${counted('Users', e.users)}${counted('ASNs', e.asns)}${counted('Countries', e.countries)}${
    statuses.length ? html`<div><strong>Status codes</strong><ul>${statuses.slice(0, 6).map(([s, n]) => html`<li>${s} × ${n}</li>`)}</ul></div>` : ''
  }${
    e.checks?.length ? html`<div><strong>Checks</strong><ul>${e.checks.map((c) => html`<li>${c.id}: ${c.state}${c.error ? ` (${c.error})` : ''}</li>`)}</ul></div>` : ''
  }${
    e.monitors?.length ? html`<div><strong>Monitors</strong><ul>${e.monitors.map((m) => html`<li>${m.source} ${m.monitorKey}: ${m.state}</li>`)}</ul></div>` : ''
  }${
    e.findings?.length ? html`<div><strong>Findings</strong><ul>${e.findings.map((f) => html`<li>${f.severity}: ${f.message}</li>`)}</ul></div>` : ''
  }${
    e.metrics && Object.keys(e.metrics).length
      ? html`<div><strong>Figures</strong><ul>${Object.entries(e.metrics).map(([k, v]) => html`<li>${k}: ${Number.isInteger(v) ? v : v.toFixed(3)}</li>`)}</ul></div>`
      : ''
  }</div>`;
}

function incidentActions(i: IncidentView): Html | '' {
  if (i.state !== 'open') return '';
  return html`<div class="actions">${i.acknowledgedAt === null ? html`<button class="primary" data-action="ack" data-id="${i.id}">Acknowledge</button>` : ''}<button data-action="resolve" data-id="${i.id}">Resolve</button></div>`;
}

function escalationLine(i: IncidentView, now: number): string {
  const parts: string[] = [];
  parts.push(i.escalation.level > 0 ? `escalation level ${i.escalation.level}` : 'not paged yet');
  if (i.acknowledgedAt !== null) parts.push(`acknowledged by ${i.acknowledgedBy ?? 'someone'} ${formatSpan(now - i.acknowledgedAt)} ago`);
  else if (i.escalation.nextAt !== null && i.state === 'open') parts.push(`next step in ${formatSpan(i.escalation.nextAt - now)}`);
  if (i.escalation.held) parts.push(`pages held: ${i.escalation.held}`);
  if (i.escalation.flapping) parts.push('flapping');
  return parts.join(' · ');
}

function incidentCard(i: IncidentView, now: number): Html {
  const age = i.state === 'open' ? `open for ${formatSpan(now - i.openedAt)}` : `resolved ${formatSpan(now - (i.resolvedAt ?? now))} ago after ${formatSpan((i.resolvedAt ?? now) - i.openedAt)}`;
  return html`<article class="card incident ${i.severity}" data-incident="${i.id}">
<div class="row"><span class="badge sev-${i.severity}">${i.severity}</span><h3><a href="/incidents/${i.id}">#${i.id} ${i.title}</a></h3><span class="muted">${i.service} · <code>${i.class}</code> · ${age}</span></div>
<p>${i.summary}</p><div class="small muted">${escalationLine(i, now)}</div>${evidenceBlock(i.evidence)}${incidentActions(i)}</article>`;
}

function checkRow(c: DashboardCheck, now: number): Html {
  const last = c.lastResult;
  const lastText = last ? `${last.status ?? last.error ?? ''} ${formatMs(last.timings.totalMs)}`.trim() : 'not run yet';
  return html`<tr data-check="${c.id}"><td class="name-cell"><span class="dot ${c.state}" title="${c.state}"></span><a href="/checks/${encodeURIComponent(c.id)}">${c.name}</a> <span class="muted small">${c.kind}</span>${
    c.findings.length ? html` <span class="badge sev-${c.findings.some((f) => f.severity === 'critical') ? 'critical' : 'warning'}" title="${c.findings.map((f) => f.message).join('\n')}">${c.findings.length} finding${c.findings.length > 1 ? 's' : ''}</span>` : ''
  }<div class="small muted" title="${last?.message ?? ''}">${lastText}${c.lastRunAt ? ` · ${formatSpan(now - c.lastRunAt)} ago` : ''}</div></td>
<td class="num"><span title="24 hours">${formatPercent(c.uptime['24h'])}</span><div class="small muted" title="30 days">${formatPercent(c.uptime['30d'])} 30d</div></td>
<td class="num">${formatMs(c.latencyMs.p95)}<div class="small muted">p50 ${formatMs(c.latencyMs.p50)}</div></td>
<td class="bars-cell">${uptimeBars(c.days, now)}<div class="small muted">90 days · ${formatPercent(c.uptime['90d'])}</div></td>
<td class="chart-cell">${latencyChart(c.hourly, { end: Math.floor(now / HOUR_MS + 1) * HOUR_MS, slots: 24, slotMs: HOUR_MS, label: `mean latency per hour, last 24 hours, ${c.name}` })}<div class="small muted">latency 24 h</div></td></tr>`;
}

function serviceCard(s: ServiceSummary, rows: Html[]): Html {
  return html`<section class="card service" data-service="${s.service}"><h3>${stateBadge(s.state)} ${s.name} <span class="muted small">${s.service} · ${s.checks.up}/${s.checks.total} checks up${
    s.openIncidents ? ` · ${s.openIncidents} open incident${s.openIncidents > 1 ? 's' : ''}` : ''
  }</span></h3>${
    rows.length
      ? html`<table class="checks"><thead><tr><th>check</th><th class="num">uptime</th><th class="num">p95</th><th>last 90 days</th><th>24 h</th></tr></thead><tbody>${rows}</tbody></table>`
      : html`<p class="empty">No checks; state comes from telemetry and external monitors.</p>`
  }</section>`;
}

/** Check rows drawn between two turns of the event loop: a thousand rows take longer than a stall may. */
const ROWS_PER_TURN = 50;

/**
 * The overview, a part at a time: the top, then each service's card as soon as its rows are drawn, then the bottom.
 * With a thousand checks the page is 1.5 MB; built whole, it was copied three times in one turn of the event loop.
 */
export async function* overviewPage(data: { now: number; services: ServiceSummary[]; checks: ListedCheck[]; open: IncidentView[]; recent: IncidentView[] }): AsyncGenerator<string> {
  const { now } = data;
  const { head, tail } = layoutParts('Overview', now);
  const down = data.services.filter((s) => s.state === 'down').length;
  const headline = data.open.length === 0 && down === 0 ? 'All services operational' : `${data.open.length} open incident${data.open.length === 1 ? '' : 's'}, ${down} service${down === 1 ? '' : 's'} down`;
  yield head.value;
  yield html`<p class="row"><strong id="headline">${headline}</strong><span class="muted">${data.services.length} services · ${data.checks.length} checks</span></p>
<h2>Open incidents</h2>${data.open.length ? data.open.map((i) => incidentCard(i, now)) : html`<p class="empty" id="no-incidents">No open incidents.</p>`}
<h2>Services</h2>`.value;
  const byService = new Map<string, ListedCheck[]>();
  for (const c of data.checks) {
    const list = byService.get(c.service);
    if (list) list.push(c);
    else byService.set(c.service, [c]);
  }
  let drawn = 0;
  for (const s of data.services) {
    const rows: Html[] = [];
    for (const c of byService.get(s.service) ?? []) {
      if (drawn++ % ROWS_PER_TURN === 0) await yieldToLoop();
      rows.push(checkRow(c.detail(), now));
    }
    yield serviceCard(s, rows).value;
  }
  yield html`
<h2>Recently resolved</h2>${data.recent.length ? data.recent.map((i) => incidentCard(i, now)) : html`<p class="empty">Nothing resolved yet.</p>`}`.value;
  yield tail.value;
}

/** Signals an incident page lists one by one; past that it counts them per detector and lists the latest. */
const LISTED_SIGNALS = 20;

/**
 * The incident's active signals. An attack from many addresses keeps one signal per address (2,000 in a big one), so
 * past `LISTED_SIGNALS` the page says how many each detector has and lists the latest; the API gives them all.
 */
export function signalList(i: IncidentView): Html | '' {
  if (i.signals.length === 0) return '';
  const item = (s: IncidentView['signals'][number]) => html`<li><code>${s.detector}</code> ${s.severity}: ${s.summary}</li>`;
  if (i.signals.length <= LISTED_SIGNALS) return html`<h2>Active signals</h2><ul>${i.signals.map(item)}</ul>`;
  // Detectors are a dozen at most, well inside TopK's capacity, so its counts are exact.
  const perDetector = new TopK<string>();
  for (const s of i.signals) perDetector.add(s.detector);
  const counts = perDetector.top(perDetector.size);
  const latest = [...i.signals].sort((a, b) => b.ts - a.ts).slice(0, LISTED_SIGNALS);
  return html`<h2>Active signals: ${i.signals.length}</h2><div class="evidence">${counted('Per detector', counts, counts.length)}</div>
<p class="small muted">The latest ${LISTED_SIGNALS}; <a href="/api/v1/incidents/${i.id}">the API</a> lists them all.</p><ul class="signals">${latest.map(item)}</ul>`;
}

export function incidentPage(data: {
  now: number;
  incident: IncidentView;
  timeline: Omit<TimelineEntry, 'incidentId'>[];
  notifications: { channel: string; step: string; state: string; attempts: number; createdAt: number; deliveredAt: number | null; lastError: string | null }[];
}): Html {
  const { incident: i, now } = data;
  return layout(
    `#${i.id} ${i.title}`,
    now,
    html`<p><a href="/">← overview</a></p>${incidentCard(i, now)}
<div class="card"><div class="row small"><span>opened ${isoTime(i.openedAt)}</span><span>last signal ${isoTime(i.lastSignalAt)}</span>${i.resolvedAt !== null ? html`<span>resolved ${isoTime(i.resolvedAt)} (${i.resolveReason ?? ''})</span>` : ''}<span>policy ${i.escalation.policy ?? '–'}</span></div>
${signalList(i)}</div>
<h2>Timeline</h2><div class="card"><ol class="timeline" id="timeline">${data.timeline.map(
      (e) => html`<li><span class="muted small">${isoTime(e.ts)}</span><code>${e.kind}</code><span>${e.message}</span></li>`,
    )}</ol></div>
<h2>Notifications</h2><div class="card">${
      data.notifications.length
        ? html`<table class="checks"><thead><tr><th>channel</th><th>step</th><th>state</th><th class="num">attempts</th><th>when</th></tr></thead><tbody>${data.notifications.map(
            (n) => html`<tr><td>${n.channel}</td><td><code>${n.step}</code></td><td>${n.state}${n.lastError ? html`<div class="small muted">${n.lastError}</div>` : ''}</td><td class="num">${n.attempts}</td><td class="small">${isoTime(n.deliveredAt ?? n.createdAt)}</td></tr>`,
          )}</tbody></table>`
        : html`<p class="empty">No notifications.</p>`
    }</div>`,
  );
}

export function checkPage(data: { now: number; check: DashboardCheck; minutes: LatencyPoint[]; recent: RawPoint[] }): Html {
  const { check: c, now } = data;
  const t = c.lastResult?.timings;
  return layout(
    c.name,
    now,
    html`<p><a href="/">← overview</a></p><section class="card"><h3><span class="dot ${c.state}"></span>${c.name} ${stateBadge(c.state)}</h3>
<div class="row small muted"><span>${c.kind}</span><span>service ${c.service}</span><span>${c.target}</span><span>every ${formatSpan(c.intervalMs)}</span>${c.stateSince ? html`<span>${c.state} for ${formatSpan(now - c.stateSince)}</span>` : ''}</div>
${c.lastResult ? html`<p>${c.lastResult.message}</p><div class="row small">${t?.dnsMs !== undefined ? html`<span>dns ${formatMs(t.dnsMs)}</span>` : ''}${t?.tcpMs !== undefined ? html`<span>tcp ${formatMs(t.tcpMs)}</span>` : ''}${t?.tlsMs !== undefined ? html`<span>tls ${formatMs(t.tlsMs)}</span>` : ''}${t?.firstByteMs !== undefined ? html`<span>first byte ${formatMs(t.firstByteMs)}</span>` : ''}<span>total ${formatMs(t?.totalMs)}</span></div>` : html`<p class="empty">Not run yet.</p>`}
${c.findings.length ? html`<h2>Findings</h2><ul>${c.findings.map((f) => html`<li><span class="badge sev-${f.severity}">${f.severity}</span> <code>${f.class}</code> ${f.message}</li>`)}</ul>` : ''}
<div class="row"><span>24 h ${formatPercent(c.uptime['24h'])}</span><span>7 d ${formatPercent(c.uptime['7d'])}</span><span>30 d ${formatPercent(c.uptime['30d'])}</span><span>90 d ${formatPercent(c.uptime['90d'])}</span><span>p50 ${formatMs(c.latencyMs.p50)}</span><span>p95 ${formatMs(c.latencyMs.p95)}</span></div></section>
<h2>Last 90 days</h2><div class="card">${uptimeBars(c.days, now)}</div>
<h2>Latency, last 24 hours (per minute)</h2><div class="card">${latencyChart(data.minutes, { end: Math.floor(now / 60_000 + 1) * 60_000, slots: 1440, slotMs: 60_000, label: `mean latency per minute, last 24 hours, ${c.name}`, className: 'chart-wide', bridge: Math.ceil(c.intervalMs / 60_000) })}</div>
<h2>Recent runs</h2><div class="card"><table class="checks"><thead><tr><th>time</th><th>result</th><th class="num">latency</th></tr></thead><tbody>${data.recent.map(
      (r) => html`<tr><td class="small">${isoTime(r.ts)}</td><td><span class="dot ${r.ok ? 'up' : 'down'}"></span>${r.status ?? ''} ${r.error ?? ''} ${r.assertion ?? ''}</td><td class="num">${formatMs(r.latencyMs)}</td></tr>`,
    )}</tbody></table></div>`,
  );
}
