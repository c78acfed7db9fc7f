import cron from 'node-cron';
import { classPatternMatches, INCIDENT_CLASSES } from '../correlate/classes.js';
import type { ConfigPath } from './interpolate.js';
import type { CheckFile } from './load.js';
import { formatPath, type ConfigIssue } from './issues.js';
import type { PicketFile } from './schema.js';
import type { YamlFile } from './yaml-file.js';

/** Checks references between sections: services of checks, channels of policies, policies of routes. */
export function crossCheck(main: PicketFile, yaml: YamlFile, checkFiles: CheckFile[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const here = (path: ConfigPath, message: string) =>
    issues.push({ file: yaml.file, line: yaml.lineOf(path), path: formatPath(path), message });
  const services = Object.keys(main.services);
  const channels = Object.keys(main.channels);
  const policies = Object.keys(main.escalation.policies);

  for (const { yaml: checkYaml, checks } of checkFiles) {
    for (const { index, check } of checks) {
      if (!main.services[check.service]) {
        issues.push({
          file: checkYaml.file,
          line: checkYaml.lineOf([index, 'service']),
          path: formatPath([index, 'service'], 'checks'),
          message: `unknown service "${check.service}"${known('services', services)}`,
        });
      }
    }
  }

  for (const [policy, levels] of Object.entries(main.escalation.policies)) {
    levels.forEach((level, i) =>
      level.notify.forEach((channel, j) => {
        if (!main.channels[channel]) here(['escalation', 'policies', policy, i, 'notify', j], `unknown channel "${channel}"${known('channels', channels)}`);
      }),
    );
  }
  main.escalation.digest?.notify.forEach((channel, j) => {
    if (!main.channels[channel]) here(['escalation', 'digest', 'notify', j], `unknown channel "${channel}"${known('channels', channels)}`);
  });
  if (main.escalation.digest && !cron.validate(main.escalation.digest.cron)) here(['escalation', 'digest', 'cron'], `invalid cron expression "${main.escalation.digest.cron}"`);
  main.maintenance.forEach((window, i) => {
    if (window.timezone !== undefined && !validTimeZone(window.timezone)) here(['maintenance', i, 'timezone'], `unknown time zone "${window.timezone}"`);
  });
  main.escalation.routes.forEach((route, i) => {
    if (!main.escalation.policies[route.policy]) here(['escalation', 'routes', i, 'policy'], `unknown policy "${route.policy}"${known('policies', policies)}`);
    const cls = route.match.class;
    if (cls !== undefined && !classPatternMatchesAny(cls)) {
      here(['escalation', 'routes', i, 'match', 'class'], `"${cls}" matches no incident class (classes: ${INCIDENT_CLASSES.join(', ')}; "attack.*" matches a family)`);
    }
    const svc = route.match.service;
    if (svc !== undefined && !main.services[svc]) here(['escalation', 'routes', i, 'match', 'service'], `unknown service "${svc}"${known('services', services)}`);
  });

  main.maintenance.forEach((window, i) => {
    if (!main.services[window.service]) here(['maintenance', i, 'service'], `unknown service "${window.service}"${known('services', services)}`);
    const validation = cron.validateDetailed(window.cron);
    if (!validation.valid) {
      const reasons = validation.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
      here(['maintenance', i, 'cron'], `invalid cron expression "${window.cron}"${reasons ? ` (${reasons})` : ''}`);
    }
  });
  return issues;
}

function classPatternMatchesAny(pattern: string): boolean {
  return INCIDENT_CLASSES.some((c) => classPatternMatches(pattern, c));
}

function known(what: string, names: string[]): string {
  return names.length === 0 ? ` (no ${what} are defined)` : ` (defined: ${names.join(', ')})`;
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
