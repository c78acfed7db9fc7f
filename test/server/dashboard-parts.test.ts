import { describe, expect, it } from 'vitest';
import { summarizeServices } from '../../src/server/api/services.js';
import { latencyChart, uptimeBars, uptimeGrade } from '../../src/server/dashboard/charts.js';
import { formatMs, formatPercent, formatSpan } from '../../src/server/dashboard/format.js';
import { html, raw } from '../../src/server/dashboard/html.js';
import { signalList } from '../../src/server/dashboard/pages.js';
import type { IncidentView } from '../../src/server/api/incidents.js';
import { escapeHtml } from '../../src/html-escape.js';
import { formatTable } from '../../src/cli/table.js';

describe('html template', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const user = `"><script>alert('x')</script>&`;
    expect(html`<td title="${user}">${user}</td>`.value).toBe(
      '<td title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</td>',
    );
  });

  it('escapes each special character wherever it stands, and gives other text back as it is', () => {
    expect(['&', '<', '>', '"', "'"].map((c) => escapeHtml(`${c}a${c}`))).toEqual(['&amp;a&amp;', '&lt;a&lt;', '&gt;a&gt;', '&quot;a&quot;', '&#39;a&#39;']);
    expect(escapeHtml('check-12 · 99.50 %')).toBe('check-12 · 99.50 %');
    expect(html`<rect x="${-1.5}" width="${1e21}"/>`.value).toBe('<rect x="-1.5" width="1e+21"/>');
  });

  it('keeps markup made by html or raw, flattens lists and drops null, undefined and false', () => {
    expect(html`<ul>${['a<', 'b'].map((x) => html`<li>${x}</li>`)}</ul>${null}${undefined}${false}${raw('<br>')}${0}`.value).toBe('<ul><li>a&lt;</li><li>b</li></ul><br>0');
  });
});

describe('charts', () => {
  it('grades uptime like a status page', () => {
    expect([1, 0.999, 0.995, 0.96, 0.5, null].map(uptimeGrade)).toEqual(['good', 'good', 'fair', 'poor', 'bad', 'none']);
  });

  it('draws one cell per day with the figure on hover', () => {
    const svg = uptimeBars({ runs: [0, 200], ok: [0, 199] }, Date.UTC(2026, 10, 30, 12)).value;
    expect(svg.match(/<rect /g)).toHaveLength(2);
    expect(svg).toContain('<title>2026-11-29: no data</title>');
    expect(svg).toContain('<title>2026-11-30: 99.50 % up (199/200 runs)</title>');
  });

  it('merges stretches of days without data or at exactly 100 %, and keeps every other day its own cell', () => {
    // The seven days up to 2026-11-07.
    const svg = uptimeBars({ runs: [0, 0, 10, 20, 10, 10, 5], ok: [0, 0, 10, 20, 9, 9, 5] }, Date.UTC(2026, 10, 7, 12)).value;
    expect([...svg.matchAll(/class="(\w-\w+)" data-days="(\d+)" x="(\d+)" y="0" width="(\d+)"/g)].map((m) => m.slice(1).join(' '))).toEqual([
      'm-none 2 0 7',
      'm-good 2 8 7',
      'u-bad 1 16 3',
      'u-bad 1 20 3',
      'u-good 1 24 3',
    ]);
    expect(svg).toContain('<title>2026-11-03 to 2026-11-04 (2 days): 100 % up (30/30 runs)</title>');
    expect(svg).toContain('<title>2026-11-05: 90.00 % up (9/10 runs)</title>');
  });

  it('breaks the latency line where nothing answered, unless the gap is within the bridge', () => {
    const hour = 3_600_000;
    const points = [0, 1, 5, 6].map((i) => ({ ts: i * hour, avgMs: 10 + i, uptime: 1 }));
    const split = latencyChart(points, { end: 24 * hour, slots: 24, slotMs: hour, label: 'x' }).value;
    expect(split.match(/<polyline /g)).toHaveLength(2);
    const bridged = latencyChart(points, { end: 24 * hour, slots: 24, slotMs: hour, label: 'x', bridge: 3 }).value;
    expect(bridged.match(/<polyline /g)).toHaveLength(1);
    const failed = latencyChart([{ ts: 0, avgMs: null, uptime: 0 }], { end: 24 * hour, slots: 24, slotMs: hour, label: 'x' }).value;
    expect(failed).toContain('class="fail"');
    expect(failed).not.toContain('<polyline');
  });
});

describe('incident page signals', () => {
  const signal = (detector: string, n: number): IncidentView['signals'][number] => ({ detector, class: 'attack.credential_stuffing', severity: 'warning', summary: `auth: failed logins from 10.0.${n >> 8}.${n & 255}`, ts: 1_000 + n });
  const withSignals = (signals: IncidentView['signals']) => signalList({ id: 7, signals } as IncidentView);

  it('lists a few signals one by one, in the order they joined, and nothing when none is active', () => {
    const page = (withSignals([signal('brute-force', 2), signal('credential-stuffing', 1)]) as { value: string }).value;
    expect(page).toContain('<h2>Active signals</h2>');
    expect(page.match(/<li>/g)).toHaveLength(2);
    expect(page.indexOf('brute-force')).toBeLessThan(page.indexOf('credential-stuffing'));
    expect(page).not.toContain('the API');
    expect(withSignals([])).toBe('');
  });

  it('counts many signals per detector and lists only the latest twenty, pointing to the API for the rest', () => {
    const signals = [...Array.from({ length: 2_000 }, (_, n) => signal('credential-stuffing', n)), signal('scraping', 5), signal('scraping', 6)];
    const page = (withSignals(signals) as { value: string }).value;
    expect(page).toContain('<h2>Active signals: 2002</h2>');
    expect(page).toContain('<strong>Per detector</strong><ul><li><code>credential-stuffing</code> × 2000</li><li><code>scraping</code> × 2</li></ul>');
    const listed = page.slice(page.indexOf('<ul class="signals">')).match(/<li>.*?<\/li>/g) ?? [];
    expect(listed).toHaveLength(20);
    expect(listed[0]).toContain('10.0.7.207');
    expect(listed.at(-1)).toContain('10.0.7.188');
    expect(page).toContain('<a href="/api/v1/incidents/7">the API</a>');
  });
});

describe('formats', () => {
  it('writes percentages, latencies and spans for people', () => {
    expect([1, 0.99995, 0.9, null].map(formatPercent)).toEqual(['100 %', '99.995 %', '90.00 %', '–']);
    expect([0.42, 42.4, 420, 4200, 42_000, null].map(formatMs)).toEqual(['0.4 ms', '42.4 ms', '420 ms', '4.2 s', '42 s', '–']);
    expect([5_000, 180_000, 7_500_000, 7_200_000, 5 * 86_400_000].map(formatSpan)).toEqual(['5 s', '3 min', '2 h 5 min', '2 h', '5 d']);
  });
});

describe('service states', () => {
  it('is down with a down check or an open outage, degraded with another open incident, unknown before any run', () => {
    const services = summarizeServices(
      { auth: { name: 'Auth' }, orders: {}, billing: {}, quiet: {} },
      [
        { service: 'auth', state: 'down' },
        { service: 'auth', state: 'up' },
        { service: 'orders', state: 'up' },
        { service: 'billing', state: 'up' },
        { service: 'quiet', state: 'unknown' },
      ],
      [
        { service: 'billing', class: 'attack.credential_stuffing', severity: 'warning' },
        { service: 'billing', class: 'misconfig.cors', severity: 'critical' },
        { service: 'ghost', class: 'outage', severity: 'critical' },
      ],
    );
    expect(services.map((s) => [s.service, s.state, s.openIncidents, s.worstSeverity])).toEqual([
      ['auth', 'down', 0, null],
      ['billing', 'degraded', 2, 'critical'],
      ['ghost', 'down', 1, 'critical'],
      ['orders', 'up', 0, null],
      ['quiet', 'unknown', 0, null],
    ]);
    expect(services[0]!.name).toBe('Auth');
  });
});

describe('CLI tables', () => {
  it('pads on the plain text, so colour never skews the columns', () => {
    const rows = [
      ['A', 'B', 'C'],
      ['long value', { text: 'down', style: 'red' as const }, 'x'],
    ];
    expect(formatTable(rows, false)).toBe('A           B     C\nlong value  down  x');
    const coloured = formatTable(rows, true);
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe('A           B     C\nlong value  down  x');
  });
});
