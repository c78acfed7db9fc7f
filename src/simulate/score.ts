import type { Incident } from '../correlate/incident.js';
import type { PicketConfig } from '../config/load.js';
import { Replayer } from '../replay/replayer.js';
import { generate, type Label, type Scenario } from './scenarios.js';

export interface RunResult {
  scenario: string;
  seed: number;
  records: number;
  labels: Label[];
  /** Incidents at warning or above (info ones are listed, never paged, and not counted). */
  incidents: Incident[];
  matches: { label: Label; incident: Incident }[];
  falseIncidents: Incident[];
  missed: Label[];
  /** Notifications each incident (warning or above) caused under the simulation's escalation policy. */
  notifications: number[];
}

export interface ClassScore {
  class: string;
  labels: number;
  detected: number;
  incidents: number;
  correct: number;
  precision: number;
  recall: number;
  medianTimeToDetectMs: number | null;
  /** Mean notifications per incident of the class. */
  notificationsPerIncident: number | null;
}

export interface Score {
  runs: RunResult[];
  classes: ClassScore[];
  /** Incidents (warning or above) per simulated day of the benign scenarios. */
  falseIncidentsPerBenignDay: number;
  benignDays: number;
}

const SLACK_BEFORE = 2 * 60_000;
/** Incidents may open until the slow error-rate window (30 min) has moved past the event. */
const SLACK_AFTER = 30 * 60_000;

/** Replays one scenario through the real detectors and correlator and matches its incidents to its labels. */
export async function runScenario(scenario: Scenario, seed: number, config: PicketConfig): Promise<RunResult> {
  const replayer = new Replayer(config);
  const labels = generate(scenario, seed, (r) => replayer.feed(r));
  replayer.finish();
  const incidents = replayer.incidents().filter((i) => i.severity !== 'info');
  const notifications = incidents.map((i) => replayer.notificationsFor(i.id));
  await replayer.close();
  const matches: RunResult['matches'] = [];
  const falseIncidents: Incident[] = [];
  for (const incident of incidents) {
    const label = labels.find((l) => l.class === incident.class && l.service === incident.service && incident.openedAt >= l.start - SLACK_BEFORE && incident.openedAt <= l.end + SLACK_AFTER);
    if (label) {
      if (!label.optional) matches.push({ label, incident });
    } else {
      falseIncidents.push(incident);
    }
  }
  const missed = labels.filter((l) => !l.optional && !matches.some((m) => m.label === l));
  return { scenario: scenario.name, seed, records: replayer.stats.records, labels, incidents, matches, falseIncidents, missed, notifications };
}

/** Per-class precision and recall, time to detect, and false incidents per benign day over every run. */
export function summarize(runs: RunResult[], scenarios: Scenario[]): Score {
  const classes = new Set<string>();
  for (const r of runs) {
    for (const l of r.labels) if (!l.optional) classes.add(l.class);
    for (const i of r.falseIncidents) classes.add(i.class);
  }
  const out: ClassScore[] = [...classes].sort().map((cls) => {
    const labels = runs.flatMap((r) => r.labels.filter((l) => !l.optional && l.class === cls));
    const matched = runs.flatMap((r) => r.matches.filter((m) => m.label.class === cls));
    const detectedLabels = new Set(matched.map((m) => m.label));
    const correct = matched.length;
    const wrong = runs.reduce((n, r) => n + r.falseIncidents.filter((i) => i.class === cls).length, 0);
    const ttd = [...detectedLabels].map((l) => Math.min(...matched.filter((m) => m.label === l).map((m) => m.incident.openedAt)) - l.start).sort((a, b) => a - b);
    const sent = runs.flatMap((r) => r.incidents.map((i, k) => [i, r.notifications[k]!] as const)).filter(([i]) => i.class === cls).map(([, n]) => n);
    return {
      class: cls,
      notificationsPerIncident: sent.length === 0 ? null : sent.reduce((a, b) => a + b, 0) / sent.length,
      labels: labels.length,
      detected: detectedLabels.size,
      incidents: correct + wrong,
      correct,
      precision: correct + wrong === 0 ? 1 : correct / (correct + wrong),
      recall: labels.length === 0 ? 1 : detectedLabels.size / labels.length,
      medianTimeToDetectMs: ttd.length === 0 ? null : ttd[Math.floor((ttd.length - 1) / 2)]!,
    };
  });
  const benign = runs.filter((r) => r.labels.length === 0);
  const benignDays = benign.reduce((n, r) => n + (scenarios.find((s) => s.name === r.scenario)?.days ?? 0), 0);
  const benignFalse = benign.reduce((n, r) => n + r.incidents.length, 0);
  return { runs, classes: out, falseIncidentsPerBenignDay: benignDays === 0 ? 0 : benignFalse / benignDays, benignDays };
}
