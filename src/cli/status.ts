import { Command } from 'commander';
import type { CheckView } from '../server/api/checks.js';
import type { ServiceSummary } from '../server/api/services.js';
import { formatMs, formatPercent } from '../server/dashboard/format.js';
import type { OutboxState } from '../store/outbox-repository.js';
import { addApiOptions, api, apiAction, apiTarget, type ApiOptions } from './api-client.js';
import { formatTable, stateCell, useColour, type Cell } from './table.js';

interface StatusData {
  services: ServiceSummary[];
  checks: CheckView[];
  outbox: { channel: string; state: OutboxState; count: number }[];
}

export function register(program: Command): void {
  addApiOptions(program.command('status'))
    .description('services and checks of the running picket: state, uptime, latency, and notifications waiting')
    .option('--json', 'print JSON instead of a table')
    .action(
      apiAction(async (opts: ApiOptions & { json?: boolean }) => {
        const target = apiTarget(opts);
        const [{ services }, { checks }, { depth }] = await Promise.all([
          api<{ services: ServiceSummary[] }>(target, 'GET', '/api/v1/services'),
          api<{ checks: CheckView[] }>(target, 'GET', '/api/v1/checks'),
          api<{ depth: StatusData['outbox'] }>(target, 'GET', '/api/v1/outbox?limit=1'),
        ]);
        const data: StatusData = { services, checks, outbox: depth };
        process.stdout.write(opts.json ? `${JSON.stringify(data, null, 2)}\n` : `${renderStatus(data, useColour())}\n`);
      }),
    );
}

export function renderStatus(data: StatusData, colour: boolean): string {
  const services: Cell[][] = [['SERVICE', 'STATE', 'CHECKS UP', 'OPEN INCIDENTS']];
  for (const s of data.services) {
    services.push([s.service, stateCell(s.state), `${s.checks.up}/${s.checks.total}`, s.openIncidents ? { text: `${s.openIncidents} (${s.worstSeverity})`, style: s.worstSeverity === 'critical' ? 'red' : 'yellow' } : '0']);
  }
  const checks: Cell[][] = [['CHECK', 'SERVICE', 'KIND', 'STATE', 'UP 24H', 'UP 7D', 'UP 30D', 'UP 90D', 'P50', 'P95', 'LAST']];
  for (const c of data.checks) {
    const last = c.lastResult ? c.lastResult.message : 'not run yet';
    checks.push([c.id, c.service, c.kind, stateCell(c.state), formatPercent(c.uptime['24h']), formatPercent(c.uptime['7d']), formatPercent(c.uptime['30d']), formatPercent(c.uptime['90d']), formatMs(c.latencyMs.p50), formatMs(c.latencyMs.p95), last]);
  }
  const pending = data.outbox.filter((d) => d.state === 'pending').reduce((n, d) => n + d.count, 0);
  const dead = data.outbox.filter((d) => d.state === 'dead');
  const deadCount = dead.reduce((n, d) => n + d.count, 0);
  const outbox = `notifications: ${pending} waiting, ${deadCount} dead${deadCount ? ` (${dead.map((d) => `${d.channel}: ${d.count}`).join(', ')}; see GET /api/v1/outbox?state=dead)` : ''}`;
  return [formatTable(services, colour), '', data.checks.length ? formatTable(checks, colour) : 'no checks configured', '', outbox].join('\n');
}
