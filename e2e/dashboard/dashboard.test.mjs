// Usage: node dashboard.test.mjs BASE_URL SCREENSHOT.png
// Loads the guard's dashboard in Debian's headless Chromium and checks what a compliance officer
// would look for: the letter's holding, its decisions with reasons, a live order arriving over
// server-sent events, and the released-vs-sold chart. Saves a screenshot either way.
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, screenshot] = process.argv.slice(2);
const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'guard-chromium-')), {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 1100 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = browser.pages()[0] || await browser.newPage();
const problems = [];
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });

let failed = false;
try {
  await page.goto(base, { waitUntil: 'domcontentloaded' });

  // the letter's holding is listed, with its position now
  const holding = page.locator('#holdings tbody tr[data-holding="dutchess/CBYI"]');
  await holding.waitFor({ timeout: 30_000 });
  console.log('holding row:', (await holding.innerText()).replace(/\s+/g, ' '));

  // the decisions are in the feed, with their reasons
  await page.locator('#feed li[data-order-id="e1"]').waitFor({ timeout: 30_000 });
  const e1 = (await page.locator('#feed li[data-order-id="e1"]').innerText()).replace(/\s+/g, ' ');
  if (!e1.includes('BLOCKED') || !e1.includes('LOCKUP_ACTIVE')) throw new Error(`e1 shows ${e1}`);
  console.log('decision e1:', e1);

  // an order submitted through the pre-trade form comes back decided, and arrives in the live feed
  const orderId = `browser-${Date.now()}`;
  await page.fill('input[name="orderId"]', orderId);
  await page.fill('input[name="quantity"]', '1000');
  await page.click('#submit');
  await page.locator('#order-result', { hasText: '"decision"' }).waitFor({ timeout: 30_000 });
  await page.locator(`#feed li[data-order-id="${orderId}"]`).waitFor({ timeout: 30_000 });
  console.log('live decision:', (await page.locator(`#feed li[data-order-id="${orderId}"]`).innerText()).replace(/\s+/g, ' '));

  // the chart of released vs sold is drawn
  await page.locator('#chart path.released').waitFor({ timeout: 30_000 });
  await page.locator('#chart path.sold').waitFor({ timeout: 30_000 });
  const calendar = (await page.locator('#calendar').innerText()).replace(/\s+/g, ' ');
  if (!calendar.includes('2004-04-28')) throw new Error(`calendar shows ${calendar}`);
  console.log('calendar:', calendar);
  if (problems.length) throw new Error(problems.join('; '));
} catch (e) {
  failed = true;
  console.error('dashboard check failed:', e.message);
} finally {
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log('screenshot:', screenshot);
  await browser.close();
}
process.exit(failed ? 1 : 0);
