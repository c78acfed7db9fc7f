import { Command } from 'commander';
import type { IncidentView } from '../server/api/incidents.js';
import { formatSpan } from '../server/dashboard/format.js';
import { addApiOptions, api, apiAction, apiTarget, type ApiOptions } from './api-client.js';
import { formatTable, stateCell, useColour, type Cell } from './table.js';

export function register(program: Command): void {
  addApiOptions(program.command('incidents'))
    .description('incidents of the running picket, newest first')
    .option('--open', 'only open incidents')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON instead of a table')
    .action(
      apiAction(async (opts: ApiOptions & { open?: boolean; limit: string; json?: boolean }) => {
        const { incidents } = await api<{ incidents: IncidentView[] }>(apiTarget(opts), 'GET', `/api/v1/incidents?state=${opts.open ? 'open' : 'all'}&limit=${encodeURIComponent(opts.limit)}`);
        if (opts.json) process.stdout.write(`${JSON.stringify(incidents, null, 2)}\n`);
        else process.stdout.write(`${incidents.length ? renderIncidents(incidents, Date.now(), useColour()) : opts.open ? 'no open incidents' : 'no incidents'}\n`);
      }),
    );

  for (const [verb, description] of [
    ['ack', 'acknowledge an open incident: escalation stops paging further levels'],
    ['resolve', 'resolve an open incident by hand: every paged channel is told'],
  ] as const) {
    addApiOptions(program.command(verb))
      .description(description)
      .argument('<id>', 'incident id')
      .action(
        apiAction(async (id: string, opts: ApiOptions) => {
          const { incident } = await api<{ incident: IncidentView }>(apiTarget(opts), 'POST', `/api/v1/incidents/${encodeURIComponent(id)}/${verb}`);
          process.stdout.write(`#${incident.id} ${incident.service} ${incident.class}: ${verb === 'ack' ? `acknowledged by ${incident.acknowledgedBy}` : `resolved (${incident.resolveReason})`}\n`);
        }),
      );
  }
}

export function renderIncidents(incidents: IncidentView[], now: number, colour: boolean): string {
  const rows: Cell[][] = [['ID', 'STATE', 'SEVERITY', 'SERVICE', 'CLASS', 'AGE', 'LEVEL', 'SUMMARY']];
  for (const i of incidents) {
    const state = i.state === 'open' && i.acknowledgedAt !== null ? 'acked' : i.state;
    rows.push([String(i.id), stateCell(state), stateCell(i.severity), i.service, i.class, formatSpan((i.resolvedAt ?? now) - i.openedAt), String(i.escalation.level), i.summary]);
  }
  return formatTable(rows, colour);
}
