import type { Counted, Evidence } from './signal.js';

const TOP = 20;

function mergeCounted<T extends string | number>(a: Counted<T>[] | undefined, b: Counted<T>[] | undefined): Counted<T>[] | undefined {
  if (!b || b.length === 0) return a;
  const m = new Map<T, number>();
  for (const c of a ?? []) m.set(c.key, c.count);
  // A refreshed signal reports its running totals, so the larger count wins rather than the sum.
  for (const c of b) m.set(c.key, Math.max(m.get(c.key) ?? 0, c.count));
  return [...m.entries()]
    .sort((x, y) => y[1] - x[1] || String(x[0]).localeCompare(String(y[0])))
    .slice(0, TOP)
    .map(([key, count]) => ({ key, count }));
}

/** Folds a signal's evidence into an incident's: top lists merged and capped, the latest figures per detector. */
export function mergeEvidence(into: Evidence, add: Evidence, detector: string): Evidence {
  const out: Evidence = { ...into };
  const ips = mergeCounted(into.ips, add.ips);
  const users = mergeCounted(into.users, add.users);
  const asns = mergeCounted(into.asns, add.asns);
  const countries = mergeCounted(into.countries, add.countries);
  if (ips) out.ips = ips;
  if (users) out.users = users;
  if (asns) out.asns = asns;
  if (countries) out.countries = countries;
  if (add.statuses) {
    out.statuses = { ...into.statuses };
    for (const [k, v] of Object.entries(add.statuses)) out.statuses[k] = Math.max(out.statuses[k] ?? 0, v);
  }
  if (add.checks) {
    const byId = new Map((into.checks ?? []).map((c) => [c.id, c]));
    for (const c of add.checks) byId.set(c.id, c);
    out.checks = [...byId.values()].slice(0, TOP);
  }
  if (add.monitors) {
    const byKey = new Map((into.monitors ?? []).map((m) => [`${m.source}|${m.monitorKey}`, m]));
    for (const m of add.monitors) byKey.set(`${m.source}|${m.monitorKey}`, m);
    out.monitors = [...byKey.values()].slice(0, TOP);
  }
  if (add.findings) {
    const byKey = new Map((into.findings ?? []).map((f) => [f.key, f]));
    for (const f of add.findings) byKey.set(f.key, f);
    out.findings = [...byKey.values()];
  }
  if (add.metrics) {
    out.metrics = { ...into.metrics };
    for (const [k, v] of Object.entries(add.metrics)) out.metrics[`${detector}.${k}`] = v;
  }
  return out;
}
