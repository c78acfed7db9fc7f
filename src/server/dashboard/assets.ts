/**
 * The dashboard's stylesheet and script, served from /assets so the page runs under a strict Content-Security-Policy
 * (no inline script) and needs nothing from the internet.
 */

export const STYLESHEET = `
:root { --bg: #f6f7f9; --card: #fff; --fg: #1c2430; --muted: #5f6b7a; --line: #dde2e8;
  --good: #2da44e; --fair: #9fcf5a; --poor: #e3a008; --bad: #d1242f; --none: #d0d5db; --accent: #2f6fdb; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0f1419; --card: #182029; --fg: #e3e8ee; --muted: #93a1b0; --line: #2a3440; --none: #36414d; --accent: #6ea2ff; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
header.top { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; padding: 10px 16px; background: var(--card); border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 1; }
header.top h1 { font-size: 18px; margin: 0; }
header.top .meta { color: var(--muted); font-size: 12px; flex: 1; }
#token-form { display: flex; gap: 6px; }
#token-form input { width: 11em; padding: 4px 6px; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); color: var(--fg); }
main { max-width: 1100px; margin: 0 auto; padding: 12px 16px 40px; }
h2 { font-size: 15px; margin: 22px 0 8px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; margin-bottom: 10px; }
.row { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: baseline; }
.muted { color: var(--muted); }
.small { font-size: 12px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; background: var(--none); }
.s-up, .sev-info { background: var(--good); }
.s-down, .sev-critical { background: var(--bad); }
.s-degraded, .sev-warning { background: var(--poor); }
.s-unknown { background: var(--none); color: var(--fg); }
.s-resolved { background: var(--muted); }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; background: var(--none); margin-right: 6px; vertical-align: middle; }
.dot.up { background: var(--good); } .dot.down { background: var(--bad); }
.incident { border-left: 4px solid var(--poor); }
.incident.critical { border-left-color: var(--bad); }
.incident.info { border-left-color: var(--good); }
.incident h3 { margin: 0; font-size: 15px; }
.evidence { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 4px 16px; margin-top: 8px; font-size: 12px; }
.evidence ul { margin: 2px 0 0; padding-left: 16px; }
.evidence code { word-break: break-all; }
.actions { margin-top: 8px; display: flex; gap: 8px; }
button { font: inherit; padding: 4px 12px; border-radius: 4px; border: 1px solid var(--line); background: var(--bg); color: var(--fg); cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button:disabled { opacity: .5; cursor: default; }
.service h3 { margin: 0 0 6px; font-size: 16px; }
table.checks { width: 100%; border-collapse: collapse; }
table.checks td, table.checks th { padding: 6px 6px; border-top: 1px solid var(--line); vertical-align: middle; text-align: left; }
table.checks th { font-size: 12px; color: var(--muted); font-weight: 500; border-top: 0; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.bars-cell { width: 34%; min-width: 160px; }
td.chart-cell { width: 18%; min-width: 100px; }
svg.bars { width: 100%; height: 20px; display: block; }
svg.bars rect:hover { opacity: .7; }
.u-good { fill: var(--good); } .u-fair { fill: var(--fair); } .u-poor { fill: var(--poor); } .u-bad { fill: var(--bad); } .u-none { fill: var(--none); }
.m-good { fill: url(#cells-good); } .m-none { fill: url(#cells-none); }
svg.defs { position: absolute; }
svg.chart, svg.chart-wide { width: 100%; height: 36px; display: block; }
svg.chart-wide { height: 140px; }
svg.chart polyline, svg.chart-wide polyline { fill: none; stroke: var(--accent); stroke-width: 1.5; vector-effect: non-scaling-stroke; }
svg.chart circle, svg.chart-wide circle { fill: var(--accent); }
svg text { font-size: 8px; fill: var(--muted); }
svg rect.fail { fill: var(--bad); }
ol.timeline { list-style: none; padding: 0; margin: 0; }
ol.timeline li { padding: 6px 0; border-top: 1px solid var(--line); display: grid; grid-template-columns: 11em 8em 1fr; gap: 8px; }
ol.timeline li:first-child { border-top: 0; }
#notice { position: fixed; bottom: 12px; left: 50%; transform: translateX(-50%); background: var(--fg); color: var(--bg); padding: 8px 14px; border-radius: 6px; display: none; }
#notice.show { display: block; } #notice.error { background: var(--bad); color: #fff; }
.empty { color: var(--muted); font-style: italic; }
@media (max-width: 700px) {
  table.checks thead { display: none; }
  table.checks tr { display: grid; grid-template-columns: 1fr 1fr; border-top: 1px solid var(--line); padding: 6px 0; }
  table.checks td { border: 0; padding: 2px 4px; }
  table.checks td.name-cell, td.bars-cell, td.chart-cell { grid-column: 1 / -1; width: auto; }
  td.num { text-align: left; }
  ol.timeline li { grid-template-columns: 1fr; gap: 0; }
}
`;

export const SCRIPT = `
(() => {
  const KEY = 'picket.adminToken';
  const REFRESH_MS = 10000;
  const notice = (text, error) => {
    const el = document.getElementById('notice');
    if (!el) return;
    el.textContent = text;
    el.className = 'show' + (error ? ' error' : '');
    clearTimeout(notice.timer);
    notice.timer = setTimeout(() => (el.className = ''), 4000);
  };
  const showTokenState = () => {
    const input = document.getElementById('admin-token');
    if (input) input.placeholder = localStorage.getItem(KEY) ? 'admin token saved' : 'admin token';
  };
  const refresh = async () => {
    const res = await fetch(location.href, { headers: { accept: 'text/html' }, cache: 'no-store', credentials: 'same-origin' });
    if (!res.ok) return;
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    const next = doc.getElementById('content');
    const current = document.getElementById('content');
    if (next && current) current.replaceWith(next);
    const updated = document.getElementById('updated');
    if (updated) updated.textContent = 'updated ' + new Date().toLocaleTimeString();
  };
  document.addEventListener('submit', (e) => {
    if (e.target.id !== 'token-form') return;
    e.preventDefault();
    const input = document.getElementById('admin-token');
    const value = input.value.trim();
    if (value) localStorage.setItem(KEY, value); else localStorage.removeItem(KEY);
    input.value = '';
    showTokenState();
    notice(value ? 'Admin token saved in this browser' : 'Admin token forgotten');
  });
  document.addEventListener('click', async (e) => {
    const button = e.target.closest('button[data-action]');
    if (!button) return;
    const token = localStorage.getItem(KEY);
    if (!token) return notice('Enter the admin token (top right) to ' + button.dataset.action, true);
    button.disabled = true;
    try {
      const res = await fetch('/api/v1/incidents/' + button.dataset.id + '/' + button.dataset.action, {
        method: 'POST', headers: { authorization: 'Bearer ' + token, 'x-picket-user': 'dashboard' }, credentials: 'same-origin',
      });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) throw new Error(res.status + ': ' + (body.detail || body.error || 'refused'));
      notice('Incident #' + button.dataset.id + (button.dataset.action === 'ack' ? ' acknowledged' : ' resolved'));
      await refresh();
    } catch (err) {
      notice(err.message, true);
      button.disabled = false;
    }
  });
  showTokenState();
  setInterval(() => { if (!document.hidden) refresh().catch(() => undefined); }, REFRESH_MS);
})();
`;
