import { describe, expect, it } from 'vitest';
import { simulationConfig } from '../../src/simulate/config.js';
import { runScenario, summarize, type RunResult } from '../../src/simulate/score.js';
import { SCENARIOS } from '../../src/simulate/scenarios.js';

const SEEDS = [1, 2];

describe('detection on the labeled scenarios', { timeout: 300_000 }, () => {
  const runs: RunResult[] = [];

  it('replays every scenario with fixed seeds', async () => {
    const config = simulationConfig();
    for (const scenario of SCENARIOS) {
      for (const seed of scenario.name === 'benign-week' ? [1] : SEEDS) runs.push(await runScenario(scenario, seed, config));
    }
    expect(runs.length).toBe(1 + (SCENARIOS.length - 1) * SEEDS.length);
  });

  it('reaches precision and recall of at least 0.9 for every class', () => {
    const score = summarize(runs, SCENARIOS);
    const report = score.classes.map((c) => `${c.class}: precision ${c.precision.toFixed(2)}, recall ${c.recall.toFixed(2)}`).join('\n');
    for (const c of score.classes) {
      expect(c.precision, report).toBeGreaterThanOrEqual(0.9);
      expect(c.recall, report).toBeGreaterThanOrEqual(0.9);
    }
    expect(score.classes.map((c) => c.class).sort()).toEqual([
      'attack.brute_force',
      'attack.credential_stuffing',
      'attack.dos',
      'attack.exfiltration',
      'attack.password_spray',
      'attack.scraping',
      'outage',
    ]);
  });

  it('raises no attack incident in a benign week with its traps', () => {
    const benign = runs.find((r) => r.scenario === 'benign-week')!;
    expect(benign.incidents.filter((i) => i.class.startsWith('attack.')).map((i) => i.summary)).toEqual([]);
  });

  it('classifies the identity-provider failure as an outage, within a minute', () => {
    for (const r of runs.filter((x) => x.scenario === 'idp-outage')) {
      expect(r.incidents.map((i) => i.class)).toEqual(['outage']);
      expect(r.matches[0]!.incident.openedAt - r.labels[0]!.start).toBeLessThan(60_000);
    }
  });

  it('keeps an attack during an outage as its own incident', () => {
    for (const r of runs.filter((x) => x.scenario === 'attack-during-outage')) {
      expect(r.matches.map((m) => [m.incident.class, m.incident.service]).sort()).toEqual([
        ['attack.credential_stuffing', 'auth'],
        ['outage', 'orders'],
      ]);
    }
  });
});
