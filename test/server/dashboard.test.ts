import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser, openPage, screenshot } from '../helpers/browser.js';
import { ADMIN, get, picketWithHistory, signal } from '../helpers/operator.js';

const XSS = '<img src=x onerror=alert(1)>';

/** The grade of every day an uptime bar shows, oldest first, with merged stretches expanded. */
async function dayGrades(page: Page, bars: string): Promise<string[]> {
  const cells = await page.locator(`${bars} rect`).evaluateAll((rects) => rects.map((r) => [r.getAttribute('class') ?? '', Number(r.getAttribute('data-days'))] as const));
  return cells.flatMap(([cls, days]) => Array<string>(days).fill(cls.slice(2)));
}

describe.skipIf(!hasChromium)('dashboard in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('draws services, uptime bars, latency charts and open incidents, and acknowledges with the admin token', async () => {
    const { picket } = await picketWithHistory();
    picket.runtime.pipeline.correlator.handle(signal({ evidence: { ips: [{ key: '203.0.113.7', count: 40 }], users: [{ key: XSS, count: 2 }], statuses: { '401': 40 } } }));
    const { page, errors } = await openPage(browser);
    const response = await page.goto(`${picket.url}/`);
    expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");

    const grades = await dayGrades(page, 'tr[data-check="auth-health"] svg.bars');
    expect(grades).toHaveLength(90);
    // 60 days ago all good, 20 days ago all failed, 3 days ago half, today all good; nothing on the other days.
    expect(grades[29]).toBe('good');
    expect(grades[69]).toBe('bad');
    expect(grades[86]).toBe('bad');
    expect(grades[88]).toBe('none');
    expect(grades.filter((g) => g !== 'none')).toEqual(['good', 'bad', 'bad', 'good']);
    const today = page.locator('tr[data-check="auth-health"] svg.bars rect').last();
    expect(await today.getAttribute('class')).toBe('u-good');
    expect(await today.locator('title').textContent()).toBe('2026-11-30: 100 % up (30/30 runs)');
    expect(await page.locator('tr[data-check="auth-health"] svg.bars rect').first().locator('title').textContent()).toBe('2026-09-02 to 2026-09-30 (29 days): no data');
    expect(await page.locator('tr[data-check="auth-health"] td.chart-cell svg polyline').count()).toBe(1);
    expect(await page.locator('section[data-service="auth"] .badge').first().textContent()).toBe('degraded');

    const card = page.locator('article.incident').first();
    expect(await card.locator('h3').textContent()).toMatch(/^#1 /);
    expect(await card.textContent()).toContain('attack.credential_stuffing');
    expect(await card.textContent()).toContain('203.0.113.7 × 40');
    // Attacker-chosen text is shown as text, never as markup.
    expect(await card.textContent()).toContain(XSS);
    expect(await card.locator('img').count()).toBe(0);
    await screenshot(page, 'dashboard-overview');

    await card.locator('button[data-action="ack"]').click();
    await expect.poll(() => page.locator('#notice').textContent()).toMatch(/Enter the admin token/);
    await page.fill('#admin-token', ADMIN);
    await page.click('#token-form button');
    await page.locator('article.incident button[data-action="ack"]').click();
    await expect.poll(() => page.locator('article.incident').first().textContent(), { timeout: 10_000 }).toMatch(/acknowledged by dashboard/);
    expect((await get(`${picket.url}/api/v1/incidents/1`)).body.incident.acknowledgedBy).toBe('dashboard');

    await page.goto(`${picket.url}/incidents/1`);
    expect(await page.locator('#timeline li').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('acknowledged by dashboard')]));
    await screenshot(page, 'dashboard-incident');

    await page.goto(`${picket.url}/checks/auth-health`);
    expect(await page.locator('svg.chart-wide polyline').count()).toBeGreaterThan(0);
    expect(await dayGrades(page, 'svg.bars')).toHaveLength(90);
    await screenshot(page, 'dashboard-check');
    expect(errors).toEqual([]);
  });

  it('reads on a phone without sideways scrolling, and refreshes itself', async () => {
    const { picket } = await picketWithHistory();
    const { page, errors } = await openPage(browser, { width: 390, height: 844 });
    await page.goto(`${picket.url}/`);
    expect(await page.locator('#no-incidents').count()).toBe(1);
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    await screenshot(page, 'dashboard-phone');
    // A new incident appears without a reload (the page polls every 10 s).
    picket.runtime.pipeline.correlator.handle(signal());
    await expect.poll(() => page.locator('article.incident').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator('#no-incidents').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
