import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser, openPage, screenshot } from '../helpers/browser.js';
import { spawnCli } from '../helpers/cli.js';

const README_SCREENSHOT = fileURLToPath(new URL('../../docs/dashboard.png', import.meta.url));

describe('picket demo (what npm start runs)', () => {
  it(
    'prints the dashboard URL first, then shows an attack and an outage open, escalate and resolve within two minutes',
    async () => {
      const demo = spawnCli(['demo', '--api-port', '0'], { timeoutMs: 170_000 });
      try {
        const first = await demo.waitFor(/^demo {2}dashboard: (http:\/\/127\.0\.0\.1:\d+)\//m, 20_000);
        expect(demo.output.startsWith('demo  dashboard: ')).toBe(true);
        const url = /http:\/\/127\.0\.0\.1:\d+/.exec(first)![0];
        const started = Date.now();

        await demo.waitFor(/\[picket WARNING\] auth: possible credential stuffing/, 45_000);
        await demo.waitFor(/\[picket (WARNING|CRITICAL)\] auth: outage/, 45_000);
        if (hasChromium) {
          const browser = await launchBrowser();
          try {
            const { page, errors } = await openPage(browser, { width: 1200, height: 800 });
            await page.goto(`${url}/`);
            expect(await page.locator('article.incident').count()).toBeGreaterThanOrEqual(1);
            expect(await page.locator('svg.bars').count()).toBe(3);
            const file = await screenshot(page, 'demo-dashboard');
            if (process.env.PICKET_UPDATE_SCREENSHOT === '1') {
              mkdirSync(fileURLToPath(new URL('../../docs/', import.meta.url)), { recursive: true });
              copyFileSync(file, README_SCREENSHOT);
            }
            expect(errors).toEqual([]);
          } finally {
            await browser.close();
          }
        }
        await demo.waitFor(/\(escalation level 2\)/, 30_000);
        await demo.waitFor(/\[picket RESOLVED\] auth: outage/, 60_000);
        await demo.waitFor(/\[picket RESOLVED\] auth: possible credential stuffing/, 60_000);
        expect(Date.now() - started).toBeLessThan(120_000);

        const { incidents } = (await (await fetch(`${url}/api/v1/incidents`)).json()) as { incidents: { class: string; state: string }[] };
        expect(incidents.map((i) => [i.class, i.state]).sort()).toEqual([
          ['attack.credential_stuffing', 'resolved'],
          ['outage', 'resolved'],
        ]);
        expect(demo.output).not.toMatch(/\(reopened\)/);
        demo.child.kill('SIGINT');
        const result = await demo.done;
        expect(result.code).toBe(0);
        expect(result.stdout).toMatch(/demo {2}stopped\n$/);
      } finally {
        demo.child.kill('SIGKILL');
      }
    },
    180_000,
  );
});
