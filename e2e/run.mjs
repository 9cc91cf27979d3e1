// Browser tests of the clause9 web application against a real server
// (started by run.sh): sign in; enter a manual value with evidence on My
// work and see the dashboard change; a collector is refused a measure they
// do not collect; every page visited has no console errors and no axe
// violations of serious or critical impact; screenshots of the main pages.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { auditsAndReviews } from './flows/reviews.mjs';

const require = createRequire(import.meta.url);
const axeSource = require('axe-core').source;
const base = process.env.BASE_URL;
const shots = process.env.SCREENSHOTS;
const passwords = { admin: process.env.ADMIN_PASSWORD, laura: process.env.COLLECTOR_PASSWORD,
  auditor: process.env.AUDITOR_PASSWORD, reviewer: process.env.REVIEWER_PASSWORD };

const profile = mkdtempSync(join(tmpdir(), 'clause9-e2e-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

let failures = 0;
const checked = [];

/** Follows one page: console errors (except the expected status of the
 *  page itself), page errors, and axe violations of serious or critical impact. */
async function audit(page, name, expectedStatus = 200) {
  const problems = page.__problems.splice(0);
  const allowed = `the server responded with a status of ${expectedStatus}`;
  const errors = problems.filter((p) => !(expectedStatus !== 200 && p.includes(allowed)));
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of serious) {
    errors.push(`axe ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
  }
  checked.push(`${name}: ${errors.length === 0 ? 'ok' : errors.length + ' problem(s)'}`);
  assert.deepEqual(errors, [], `${name}: console errors or accessibility violations`);
}

async function newPage() {
  const page = await context.newPage();
  page.__problems = [];
  page.on('console', (m) => { if (m.type() === 'error') page.__problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => page.__problems.push(`page error: ${e.message}`));
  return page;
}

async function signIn(page, user) {
  const r = await page.goto(`${base}/sign-in`);
  assert.equal(r.status(), 200);
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(passwords[user]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);
}

async function overdueCount(page) {
  const text = await page.locator('#overdue-h').innerText();
  return Number(/\((\d+)\)/.exec(text)[1]);
}

async function step(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures += 1;
    console.log(`FAIL ${name}\n${e.stack || e}`);
  }
}

const collector = await newPage();
await step('the sign-in page is accessible', async () => {
  await collector.goto(`${base}/sign-in`);
  await collector.screenshot({ path: `${shots}/sign-in.png` });
  await audit(collector, 'sign-in');
});

await step('a wrong password is refused on the form', async () => {
  await collector.getByLabel('Username').fill('laura');
  await collector.getByLabel('Password').fill('not-the-password');
  const [r] = await Promise.all([
    collector.waitForResponse((res) => res.url() === `${base}/sign-in` && res.request().method() === 'POST'),
    collector.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  assert.equal(r.status(), 401);
  await collector.getByText('wrong username or password').waitFor();
  await audit(collector, 'sign-in refused', 401);
});

let before;
await step('the collector signs in and sees the dashboard', async () => {
  await signIn(collector, 'laura');
  await collector.getByRole('heading', { level: 1 }).waitFor();
  before = {
    overdue: await overdueCount(collector),
    row: await collector.locator('#obj-h ~ section tr', { hasText: 'M-AW-01' }).first().innerText(),
  };
  assert.ok(before.overdue > 0, 'the demo has overdue collections');
  await collector.screenshot({ path: `${shots}/dashboard.png`, fullPage: false });
  await audit(collector, 'dashboard');
});

await step('My work refuses a wrong value and shows the problem next to the form', async () => {
  await collector.getByRole('link', { name: 'My work' }).click();
  await collector.waitForURL(`${base}/my-work`);
  await audit(collector, 'my work');
  await collector.screenshot({ path: `${shots}/my-work.png` });
  const form = collector.locator('section.entry', { has: collector.locator('h2', { hasText: 'M-AW-01' }) }).first();
  await form.getByLabel(/^headcount/).fill('480');
  await form.getByLabel(/^trained/).fill('lots');
  await form.getByRole('button', { name: /^Save M-AW-01/ }).click();
  const shown = collector.locator('section.entry', { has: collector.locator('.problems') }).first();
  await shown.getByText('trained: `lots` is not a number').waitFor();
  await collector.screenshot({ path: `${shots}/my-work-problem.png` });
  await audit(collector, 'my work with a problem', 422);
});

await step('a manual value with evidence is stored and the dashboard changes', async () => {
  const form = collector.locator('section.entry', { has: collector.locator('.problems') }).first();
  const title = await form.locator('h2').innerText();
  const period = /, (\S+)$/.exec(title)[1];
  await form.getByLabel(/^headcount/).fill('480');
  await form.getByLabel(/^trained/).fill('431');
  await form.getByLabel(/^File/).setInputFiles({ name: 'awareness-export.csv', mimeType: 'text/csv', buffer: Buffer.from('person,completed\nA,2026-10-02\n') });
  await form.getByRole('button', { name: /^Save M-AW-01/ }).click();
  await collector.getByText(`Saved: M-AW-01 ${period}.`).waitFor();
  await audit(collector, 'my work saved');
  await collector.getByRole('link', { name: 'Dashboard' }).click();
  await collector.waitForURL(`${base}/`);
  const after = {
    overdue: await overdueCount(collector),
    row: await collector.locator('#obj-h ~ section tr', { hasText: 'M-AW-01' }).first().innerText(),
  };
  assert.ok(after.overdue < before.overdue, `overdue collections went from ${before.overdue} to ${after.overdue}`);
  if (period === '2026-10' || before.row.includes('no data')) {
    assert.notEqual(after.row, before.row, 'the M-AW-01 row changed');
  }
  await audit(collector, 'dashboard after entry');
  const m = await collector.goto(`${base}/measures/M-AW-01`);
  assert.equal(m.status(), 200);
  await collector.getByText('"via":"web"').first().waitFor();
  await collector.screenshot({ path: `${shots}/measure.png`, fullPage: true });
  await audit(collector, 'measure');
});

await step('a collector is refused a measure they do not collect', async () => {
  const r = await collector.goto(`${base}/record/M-VUL-01`);
  assert.equal(r.status(), 403);
  await collector.getByText('laura may not record values of M-VUL-01').waitFor();
  await collector.screenshot({ path: `${shots}/refused.png` });
  await audit(collector, 'refused', 403);
});

await step('signing out ends the session', async () => {
  await collector.goto(`${base}/`);
  await collector.getByRole('button', { name: 'Sign out' }).click();
  await collector.waitForURL(`${base}/sign-in`);
  const r = await collector.goto(`${base}/my-work`);
  assert.equal(new URL(r.url()).pathname, '/sign-in');
  await audit(collector, 'signed out');
});

const admin = await newPage();
await step('the administrator signs in and opens a measure page', async () => {
  await signIn(admin, 'admin');
  await admin.setViewportSize({ width: 800, height: 1000 });
  await admin.screenshot({ path: `${shots}/dashboard-tablet.png` });
  await audit(admin, 'dashboard (tablet width)');
  await admin.getByRole('link', { name: 'M-VUL-01' }).first().click();
  await admin.waitForURL(`${base}/measures/M-VUL-01`);
  await admin.locator('svg.chart').waitFor();
  await admin.screenshot({ path: `${shots}/measure-tablet.png`, fullPage: true });
  await audit(admin, 'measure (tablet width)');
  await admin.emulateMedia({ media: 'print' });
  await admin.screenshot({ path: `${shots}/measure-print.png`, fullPage: true });
  await admin.emulateMedia({ media: 'screen' });
});

await auditsAndReviews({ newPage, signIn, audit, step, base, shots });

await context.close();
rmSync(profile, { recursive: true, force: true });
console.log(checked.join('\n'));
if (failures > 0) {
  console.log(`${failures} browser test(s) failed`);
  process.exit(1);
}
console.log('all browser tests passed');
