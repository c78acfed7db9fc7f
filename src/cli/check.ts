import { Command } from 'commander';
import type { Finding } from '../correlate/observation.js';
import { extraSchedulesOf, type Check } from '../probe/index.js';
import { runCheck, type Run } from '../probe/run-check.js';
import { addConfigOption, loadForCommand } from './options.js';

/** Monitoring-Plugins exit codes. */
const NAGIOS = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 } as const;
type NagiosStatus = keyof typeof NAGIOS;

export function register(program: Command): void {
  addConfigOption(program.command('check'))
    .argument('<id>', 'check id')
    .description('run one check once and print the result (with --nagios: Monitoring-Plugins output and exit codes)')
    .option('--nagios', 'print one Nagios line with perfdata; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, opts: { config: string; nagios?: boolean; json?: boolean }) => {
      const config = loadForCommand(opts.config, { report: !opts.nagios });
      if (!config) {
        if (opts.nagios) process.stdout.write(`PICKET UNKNOWN - configuration has errors (run picket validate)\n`);
        process.exitCode = opts.nagios ? NAGIOS.UNKNOWN : 1;
        return;
      }
      const check = config.checks.find((c) => c.id === id);
      if (!check) {
        const known = config.checks.map((c) => c.id).join(', ') || 'none';
        if (opts.nagios) process.stdout.write(`PICKET UNKNOWN - no check "${id}" (checks: ${known})\n`);
        else process.stderr.write(`no check "${id}" (checks: ${known})\n`);
        process.exitCode = opts.nagios ? NAGIOS.UNKNOWN : 1;
        return;
      }
      const main = await runCheck(check, { configDir: config.dir });
      const extras: Run[] = [];
      for (const extra of extraSchedulesOf(check)) extras.push(await runCheck(check, { configDir: config.dir, schedule: extra.name }));
      const findings = [main, ...extras].flatMap((r) => r.result.findings);
      const status = nagiosStatus(main, extras, findings);

      if (opts.nagios) {
        process.stdout.write(`${nagiosLine(check, status, main, extras, findings)}\n`);
        process.exitCode = NAGIOS[status];
        return;
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ id: check.id, status, ...main.result, attempts: main.attempts, extra: extras.map((e) => e.result) }, null, 2)}\n`);
      } else {
        printHuman(check, status, main, extras, findings);
      }
      process.exitCode = status === 'OK' ? 0 : 1;
    });
}

function nagiosStatus(main: Run, extras: Run[], findings: Finding[]): NagiosStatus {
  if (!main.result.ok || findings.some((f) => f.severity === 'critical')) return 'CRITICAL';
  if (findings.length > 0 || extras.some((e) => !e.result.ok)) return 'WARNING';
  return 'OK';
}

function nagiosLine(check: Check, status: NagiosStatus, main: Run, extras: Run[], findings: Finding[]): string {
  const r = main.result;
  const worst = findings.filter((f) => f.severity === 'critical').concat(findings.filter((f) => f.severity === 'warning'));
  const what = !r.ok ? r.message : worst.length > 0 ? worst.map((f) => f.message).join('; ') : extras.find((e) => !e.result.ok)?.result.message ?? r.message;
  const latency = 'expect' in check && check.expect && 'latencyMs' in check.expect && check.expect.latencyMs ? (check.expect.latencyMs / 1000).toFixed(3) : '';
  const perf = `time=${(r.timings.totalMs / 1000).toFixed(3)}s;${latency};;0`;
  const days = r.certExpiresAt === undefined ? '' : ` cert_days=${Math.floor((r.certExpiresAt - Date.now()) / 86_400_000)};${'warnDays' in check ? check.warnDays : ''};${'critDays' in check ? check.critDays : ''}`;
  return `PICKET ${status} - ${check.id}: ${what.replace(/\|/g, '/')} | ${perf}${days}`;
}

function printHuman(check: Check, status: NagiosStatus, main: Run, extras: Run[], findings: Finding[]): void {
  const r = main.result;
  const t = r.timings;
  const lines = [
    `${check.id} (${check.kind}, service ${check.service}): ${status}`,
    `  ${r.ok ? 'ok' : `failed (${r.error})`}: ${r.message}${main.attempts > 1 ? ` after ${main.attempts} attempts` : ''}`,
    `  timings: ${[['dns', t.dnsMs], ['tcp', t.tcpMs], ['tls', t.tlsMs], ['first byte', t.firstByteMs], ['total', t.totalMs]]
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k} ${(v as number).toFixed(1)} ms`)
      .join(', ')}`,
  ];
  if (r.certExpiresAt !== undefined) lines.push(`  certificate expires ${new Date(r.certExpiresAt).toISOString()}`);
  for (const e of extras) lines.push(`  ${e.result.ok ? 'ok' : `failed (${e.result.error})`}: ${e.result.message}`);
  for (const f of findings) lines.push(`  ${f.severity.toUpperCase()} ${f.class}: ${f.message}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
