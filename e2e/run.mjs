// Browser tests of the clause9 web application against a real server
// (started by run.sh): sign in; enter a manual value with evidence on My
// work and see the dashboard change; a collector is refused a measure they
// do not collect and the administration pages; generate and download
// reports (PDF and HTML bytes checked) and verify one against the archive;
// walk a nonconformity from raised to closed through its forms; the
// administration pages; notification settings (flows/settings.mjs); every page visited has no console errors and no axe
// violations of serious or critical impact; screenshots of the main pages.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { auditsAndReviews } from './flows/reviews.mjs';
import { notificationSettings } from './flows/settings.mjs';

const require = createRequire(import.meta.url);
const axeSource = require('axe-core').source;
const base = process.env.BASE_URL;
// The day the server runs as (run.sh moves its clock with --today): every
// date the steps type or expect follows it, never the machine's date.
const today = process.env.TODAY;
assert.match(today ?? '', /^\d{4}-\d{2}-\d{2}$/, 'TODAY=YYYY-MM-DD is set by run.sh');
const addDays = (day, n) => new Date(Date.parse(`${day}T12:00:00Z`) + n * 86400000).toISOString().slice(0, 10);
const lastMonth = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 2, 1)).toISOString().slice(0, 7);
const shots = process.env.SCREENSHOTS;
const passwords = { admin: process.env.ADMIN_PASSWORD, laura: process.env.COLLECTOR_PASSWORD,
  auditor: process.env.AUDITOR_PASSWORD, reviewer: process.env.REVIEWER_PASSWORD };

const profile = mkdtempSync(join(tmpdir(), 'clause9-e2e-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 900 },
  acceptDownloads: true,
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
  const started = Date.now();
  try {
    await fn();
    console.log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
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
  // The entry saved is the first M-AW-01 form (the one the step before left
  // with a problem). Whether it is overdue or only due depends on the day
  // (M-AW-01 of last month is due until the 11th): the step asserts on the
  // count the entry belongs to, on My work and on the dashboard.
  const form = collector.locator('section.entry', { has: collector.locator('.problems') }).first();
  const title = await form.locator('h2').innerText();
  const period = /, (\S+)$/.exec(title)[1];
  const overdueEntry = (await form.locator('.late', { hasText: 'overdue' }).count()) === 1;
  const work = async () => ({
    overdue: Number(await collector.locator('#work-overdue').innerText()),
    due: Number(await collector.locator('#work-due').innerText()),
  });
  const workBefore = await work();
  await form.getByLabel(/^headcount/).fill('480');
  await form.getByLabel(/^trained/).fill('431');
  await form.getByLabel(/^File/).setInputFiles({ name: 'awareness-export.csv', mimeType: 'text/csv', buffer: Buffer.from('person,completed\nA,2026-10-02\n') });
  await form.getByRole('button', { name: /^Save M-AW-01/ }).click();
  await collector.getByText(`Saved: M-AW-01 ${period}.`).waitFor();
  await audit(collector, 'my work saved');
  const workAfter = await work();
  const kind = overdueEntry ? 'overdue' : 'due';
  assert.equal(workAfter[kind], workBefore[kind] - 1, `My work ${kind} entries went from ${workBefore[kind]} to ${workAfter[kind]}`);
  assert.equal(await collector.locator('section.entry h2', { hasText: `M-AW-01 ` }).filter({ hasText: `, ${period}` }).count(), 0, 'the saved entry left My work');
  await collector.getByRole('link', { name: 'Dashboard' }).click();
  await collector.waitForURL(`${base}/`);
  const after = {
    overdue: await overdueCount(collector),
    row: await collector.locator('#obj-h ~ section tr', { hasText: 'M-AW-01' }).first().innerText(),
  };
  if (overdueEntry) {
    assert.ok(after.overdue < before.overdue, `overdue collections went from ${before.overdue} to ${after.overdue}`);
  } else {
    assert.equal(after.overdue, before.overdue, 'a value that was only due leaves the overdue count alone');
  }
  if (period === lastMonth || before.row.includes('no data')) {
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

await step('a collector is refused the administration pages', async () => {
  for (const path of ['/admin/users', '/admin/tokens', '/admin/audit-log']) {
    const r = await collector.goto(`${base}${path}`);
    assert.equal(r.status(), 403, path);
    await collector.getByText(/^the role `collector` may not .*; it needs one of: admin/).waitFor();
    await audit(collector, `refused ${path}`, 403);
  }
  await collector.goto(`${base}/`);
  assert.equal(await collector.getByRole('link', { name: 'Administration' }).count(), 0);
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
  // collected monthly, reported quarterly: the monthly limits are not drawn on the quarterly chart
  await admin.locator('figcaption', { hasText: 'The control limits are of the monthly collection values' }).waitFor();
  assert.equal(await admin.locator('svg.chart line.limit').count(), 0);
  await admin.screenshot({ path: `${shots}/measure-tablet.png`, fullPage: true });
  await audit(admin, 'measure (tablet width)');
  await admin.emulateMedia({ media: 'print' });
  await admin.screenshot({ path: `${shots}/measure-print.png`, fullPage: true });
  await admin.emulateMedia({ media: 'screen' });
});

await step('the measure chart draws the control limits with their names', async () => {
  // M-INC-06 is collected and reported quarterly and has eight quarters of values
  const r = await admin.goto(`${base}/measures/M-INC-06`);
  assert.equal(r.status(), 200);
  for (const cls of ['limit-centre', 'limit-upper', 'limit-lower']) {
    assert.equal(await admin.locator(`svg.chart line.${cls}`).count(), 1, cls);
  }
  for (const name of ['upper control limit', 'centre line', 'lower control limit']) {
    await admin.locator('svg.chart text', { hasText: new RegExp(`^${name} -?[0-9.]+$`) }).waitFor();
  }
  await admin.locator('#chart-limits', { hasText: 'the dotted line is the centre line' }).waitFor();
  // the analysis states the same centre as the chart
  const centre = /^centre line (\S+)$/.exec(await admin.locator('svg.chart text', { hasText: /^centre line / }).textContent())[1];
  await admin.getByText(`centre ${centre}, limits`).waitFor();
  await admin.screenshot({ path: `${shots}/measure-limits.png`, fullPage: true });
  await admin.locator('svg.chart').screenshot({ path: `${shots}/measure-limits-chart.png` });
  await audit(admin, 'measure with control limits');
});

await auditsAndReviews({ newPage, signIn, audit, step, base, shots, today });

// The pages share one browser profile, so the audit and review flows' sign-ins
// (auditor, reviewer) replaced the administrator's session cookie.
await step('the administrator signs in again', async () => {
  await signIn(admin, 'admin');
  await audit(admin, 'dashboard (administrator again)');
});

await notificationSettings({ page: admin, audit, step, base, shots });

/** Issues a report on the Reports page and returns the downloaded bytes and name. */
async function issueReport(page, format, audience) {
  await page.getByLabel('Period').fill(await page.getByLabel('Period').inputValue());
  await page.getByLabel('Format').selectOption(format);
  await page.getByLabel('Audience').selectOption(audience);
  const [download] = await Promise.all([
    // a PDF is typeset on the server: slow in a debug build
    page.waitForEvent('download', { timeout: 300000 }),
    page.getByRole('button', { name: 'Issue and download' }).click({ timeout: 300000 }),
  ]);
  const path = join(profile, download.suggestedFilename());
  await download.saveAs(path);
  return { name: download.suggestedFilename(), path, bytes: readFileSync(path) };
}

await step('reports are issued, downloaded, archived and verified', async () => {
  await admin.setViewportSize({ width: 1280, height: 900 });
  await admin.getByRole('link', { name: 'Reports' }).click();
  await admin.waitForURL(`${base}/reports`);
  await audit(admin, 'reports');
  const before = Number(/\((\d+)\)/.exec(await admin.locator('#archive-h').innerText())[1]);
  const pdf = await issueReport(admin, 'pdf', '');
  assert.match(pdf.name, /^report-\d{4}-\d{2}\.pdf$/);
  assert.equal(pdf.bytes.subarray(0, 5).toString('latin1'), '%PDF-', 'the download is a PDF');
  const html = await issueReport(admin, 'html', 'top_management');
  assert.match(html.name, /^report-\d{4}-\d{2}-top_management\.html$/);
  assert.match(html.bytes.toString('utf8'), /<title>[^<]*<\/title>/, 'the download is an HTML page with a title');
  await admin.reload();
  const after = Number(/\((\d+)\)/.exec(await admin.locator('#archive-h').innerText())[1]);
  assert.equal(after, before + 2, 'both reports are in the archive');
  await admin.getByRole('cell', { name: html.name }).first().waitFor();
  await admin.getByLabel('Report file', { exact: true }).setInputFiles(pdf.path);
  await admin.getByRole('button', { name: 'Verify' }).click();
  await admin.getByText(`${pdf.name} is an unaltered issued report`).waitFor();
  await admin.screenshot({ path: `${shots}/reports.png`, fullPage: true });
  await audit(admin, 'reports verified');
  await admin.getByLabel('Report file', { exact: true }).setInputFiles({ name: 'edited.html', mimeType: 'text/html', buffer: Buffer.concat([html.bytes, Buffer.from('<!-- edited -->')]) });
  await admin.getByRole('button', { name: 'Verify' }).click();
  await admin.getByText('edited.html is not an issued report').waitFor();
  await audit(admin, 'reports not verified');
});

/** Sends one lifecycle form of the nonconformity page and waits for the result. */
async function nextStep(page, heading, fill, button, done) {
  const form = page.locator('section', { has: page.getByRole('heading', { name: heading, level: 3 }) });
  await fill(form);
  await form.getByRole('button', { name: button }).click();
  if (done) {
    await page.getByText(`Recorded: ${done}.`).waitFor();
    await audit(page, `nonconformity: ${heading}`);
  }
}

await step('a nonconformity is walked from raised to closed through the forms', async () => {
  await admin.getByRole('link', { name: 'Nonconformities' }).click();
  await admin.waitForURL(`${base}/nonconformities`);
  await admin.screenshot({ path: `${shots}/nonconformities.png`, fullPage: true });
  await audit(admin, 'nonconformity board');
  await admin.getByLabel('Description').fill('Restores of the file server were never tested');
  await admin.getByLabel('Source').selectOption('incident');
  await admin.getByLabel(/^Reference/).fill('INC-e2e');
  await admin.getByLabel('Severity').selectOption('major');
  await admin.getByLabel('Controls').fill('A.8.13');
  await admin.getByLabel(/^Why/).fill('found while handling INC-e2e');
  await admin.getByRole('button', { name: 'Raise' }).click();
  await admin.waitForURL(/\/nonconformities\/NC-\d{4}$/);
  const id = /NC-\d{4}/.exec(admin.url())[0];
  await admin.getByRole('heading', { level: 1, name: new RegExp(id) }).waitFor();
  await audit(admin, 'nonconformity raised');
  const why = (text) => async (f) => { await f.getByLabel(/^Why/).fill(text); };
  await nextStep(admin, 'Contain and correct', async (f) => {
    await f.getByLabel(/contain and correct/).fill('Ran a restore of last night\'s backup');
    await why('contain')(f);
  }, 'Record the correction', 'the correction is recorded');
  await nextStep(admin, 'Root cause analysis', async (f) => {
    await f.getByLabel(/Five whys/).fill('No one owned restore tests\nThe backup procedure does not mention them');
    await f.getByLabel('Root cause').fill('The backup procedure has no restore test');
    await f.getByLabel(/^Extent/).fill('Every backed-up system');
    await why('five whys with IT')(f);
  }, 'Record the analysis', 'the root cause analysis is recorded');
  // an action without owner, due date and success criterion is refused beside the form
  await nextStep(admin, 'Plan a corrective action', async (f) => {
    await f.getByLabel('Action').fill('Test restores every month');
    await why('plan')(f);
  }, 'Plan the action', null);
  await admin.getByText('the action is not SMART: missing an owner, a due date, a measurable success criterion').waitFor();
  await admin.screenshot({ path: `${shots}/nonconformity-not-smart.png`, fullPage: true });
  await audit(admin, 'nonconformity: action refused', 422);
  await nextStep(admin, 'Plan a corrective action', async (f) => {
    await f.getByLabel('Owner').selectOption({ index: 1 });
    await f.getByLabel('Due date').fill(addDays(today, 56));
    await f.getByLabel(/^Success criterion/).fill('a monthly restore test succeeds 3 months running');
  }, 'Plan the action', 'the action is planned');
  await nextStep(admin, 'Record an action as implemented', async (f) => {
    await f.getByLabel('What was done').fill('monthly restore test scheduled');
    await why('done')(f);
  }, 'Record as implemented', 'the action is recorded as implemented');
  await nextStep(admin, /the effectiveness check$/, async (f) => {
    const today = await f.getByLabel('Check on').getAttribute('min');
    await f.getByLabel('Check on').fill(today);
    await f.getByLabel(/A person checks/).check();
    await why('plan the check')(f);
  }, 'Plan the check', 'the effectiveness check is planned');
  await nextStep(admin, 'Verify effectiveness', async (f) => {
    await f.getByLabel('Effective', { exact: true }).check();
    await f.getByLabel('Evidence of the check').fill('restore test of today succeeded');
    await why('checked')(f);
  }, 'Record the verification', 'the actions were verified effective');
  await nextStep(admin, 'Close', why('effective'), `Close ${id}`, 'the nonconformity is closed');
  await admin.getByText('closed', { exact: true }).first().waitFor();
  assert.equal(await admin.locator('form.stepform').count(), 0, 'no step is left');
  const history = await admin.locator('.timeline li').allInnerTexts();
  assert.deepEqual(history.map((h) => h.split(' on ')[0]), ['raised', 'corrected', 'root cause analysed', 'action planned', 'action implemented', 'check planned', 'verified', 'closed']);
  await admin.screenshot({ path: `${shots}/nonconformity-closed.png`, fullPage: true });
  await admin.goto(`${base}/nonconformities`);
  await admin.locator('#closed-h ~ ul a', { hasText: id }).waitFor();
});

await step('the administrator opens users, tokens and the audit log', async () => {
  await admin.getByRole('link', { name: 'Administration' }).click();
  await admin.waitForURL(`${base}/admin/users`);
  await admin.getByRole('rowheader', { name: 'laura' }).waitFor();
  await admin.screenshot({ path: `${shots}/admin-users.png`, fullPage: true });
  await audit(admin, 'admin users');
  await admin.getByRole('link', { name: 'API tokens' }).click();
  await admin.getByLabel('Name').fill('e2e');
  await admin.getByLabel(/^Expires after/).fill('1');
  await admin.getByRole('button', { name: 'Create the token' }).click();
  const secret = await admin.getByLabel('Token', { exact: true }).inputValue();
  assert.match(secret, /^c9t/);
  await audit(admin, 'admin token created');
  await admin.getByRole('button', { name: /^Revoke token \d+ e2e/ }).click();
  await admin.getByText('Done: the token is revoked.').waitFor();
  await admin.screenshot({ path: `${shots}/admin-tokens.png`, fullPage: true });
  await audit(admin, 'admin tokens');
  await admin.getByRole('link', { name: 'Audit log' }).click();
  await admin.getByRole('heading', { name: 'The chain verifies' }).waitFor();
  await admin.getByRole('cell', { name: 'token.revoked' }).first().waitFor();
  await admin.setViewportSize({ width: 800, height: 1000 });
  await admin.screenshot({ path: `${shots}/admin-audit-log-tablet.png` });
  await audit(admin, 'admin audit log (tablet width)');
  await admin.goto(`${base}/nonconformities`);
  await admin.screenshot({ path: `${shots}/nonconformities-tablet.png`, fullPage: true });
  await audit(admin, 'nonconformity board (tablet width)');
});

await context.close();
rmSync(profile, { recursive: true, force: true });
console.log(checked.join('\n'));
if (failures > 0) {
  console.log(`${failures} browser test(s) failed`);
  process.exit(1);
}
console.log('all browser tests passed');
