// Browser tests of the internal audit and management review pages, run by
// run.mjs against the demo: the audit programme and an audit page; a
// finding refused for an auditor who is not independent (the conflict is
// named), then recorded by an independent auditor, and the report
// downloaded; the review pack on screen, minutes written and signed by the
// chair, after which the forms are gone and a post is refused; an action
// item marked done on the signed review; a new review opened from the list.
import assert from 'node:assert/strict';

export async function auditsAndReviews({ newPage, signIn, audit, step, base, shots, today }) {
  const admin = await newPage();
  await step('the dashboard shows the next review and the next audit', async () => {
    await signIn(admin, 'admin');
    await admin.locator('#next-review').getByRole('link', { name: /MR-0003/ }).waitFor();
    await admin.locator('#next-audit').getByRole('link', { name: /AUD-0003/ }).waitFor();
    await audit(admin, 'dashboard with the next review and audit');
  });

  await step('the audit programme shows the audits, coverage and what is overdue', async () => {
    await admin.getByRole('link', { name: 'Audits', exact: true }).click();
    await admin.waitForURL(`${base}/audits`);
    await admin.getByRole('heading', { name: /Coverage of the cycle/ }).waitFor();
    for (const id of ['AUD-0001', 'AUD-0002', 'AUD-0003', 'AUD-0004']) {
      await admin.getByRole('link', { name: id }).first().waitFor();
    }
    await admin.screenshot({ path: `${shots}/audits.png`, fullPage: true });
    await audit(admin, 'audits');
  });

  await step('a completed audit shows findings of every grade with their evidence', async () => {
    await admin.goto(`${base}/audits/AUD-0001`);
    for (const grade of ['major nonconformity', 'minor nonconformity', 'observation', 'opportunity for improvement', 'conformity']) {
      await admin.locator('td .grade', { hasText: new RegExp(`^${grade}$`) }).first().waitFor();
    }
    await admin.getByText('This audit is completed').waitFor();
    assert.equal(await admin.locator('form[action$="/findings"]').count(), 0);
    await audit(admin, 'completed audit');
  });

  await step('an auditor who is not independent is refused, with the conflict named', async () => {
    await admin.goto(`${base}/audits/AUD-0003`);
    await admin.getByRole('heading', { name: 'Checklist' }).waitFor();
    await admin.getByLabel('Item of the scope').selectOption('A.5.1@governance');
    await admin.getByLabel('Grade').selectOption('observation');
    await admin.getByLabel(/^Statement/).fill('The policy set has no owner for two documents');
    await admin.getByLabel(/^Evidence/).fill('Policy register, entries P-07 and P-11');
    const [r] = await Promise.all([
      admin.waitForResponse((res) => res.url() === `${base}/audits/AUD-0003/findings`),
      admin.getByRole('button', { name: 'Record the finding' }).click(),
    ]);
    assert.equal(r.status(), 403);
    await admin.locator('[role=alert]', { hasText: 'isms_manager owns area `governance`' }).waitFor();
    await admin.screenshot({ path: `${shots}/audit-refused.png`, fullPage: true });
    await audit(admin, 'finding refused', 403);
  });

  const auditor = await newPage();
  let nc;
  await step('an independent auditor records a finding and downloads the report', async () => {
    await signIn(auditor, 'auditor');
    await auditor.goto(`${base}/audits/AUD-0003`);
    await audit(auditor, 'audit');
    await auditor.getByLabel('Item of the scope').selectOption('A.8.13@itops');
    await auditor.getByLabel('Grade').selectOption('minor');
    await auditor.getByLabel(/^Statement/).fill('The restore test of the finance database was not done this quarter');
    await auditor.getByLabel(/^Evidence/).fill('Backup runbook log; restore test tickets for the last two quarters');
    await auditor.getByRole('button', { name: 'Record the finding' }).click();
    const saved = auditor.locator('.saved');
    await saved.waitFor();
    nc = /opened nonconformity (NC-\d+)/.exec(await saved.innerText())[1];
    await auditor.locator('tr', { hasText: 'The restore test of the finance database' }).getByText(nc).waitFor();
    await auditor.screenshot({ path: `${shots}/audit.png`, fullPage: true });
    await audit(auditor, 'audit with the new finding');
    const [download] = await Promise.all([
      auditor.waitForEvent('download'),
      auditor.getByRole('link', { name: 'Markdown' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'audit-report-AUD-0003.md');
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(path, 'utf8');
    assert.ok(text.includes('The restore test of the finance database'), text);
  });

  await step('an auditor plans an audit from the programme page and completes it', async () => {
    await auditor.goto(`${base}/audits`);
    await audit(auditor, 'audits with the plan form');
    await auditor.getByLabel('Title').fill('Access reviews of leavers');
    await auditor.getByLabel('Objectives').fill('Confirm that leavers lose their access within a day');
    await auditor.getByLabel(/^Scope/).fill('A.5.18@identity');
    await auditor.getByLabel('Start date').fill(today);
    await auditor.getByLabel('End date').fill(today);
    await auditor.getByLabel(/^Auditor/).selectOption('internal_auditor');
    await auditor.getByRole('button', { name: 'Plan the audit' }).click();
    await auditor.waitForURL(/\/audits\/AUD-\d+\?saved=planned$/);
    await auditor.getByRole('heading', { name: /Access reviews of leavers/ }).waitFor();
    await audit(auditor, 'a planned audit');
    await auditor.getByLabel('Conclusion').fill('Leavers lost access within a day in every sample');
    await auditor.getByRole('button', { name: 'Complete the audit' }).click();
    await auditor.waitForURL(/saved=completed$/);
    await auditor.getByText('This audit is completed').waitFor();
    await auditor.getByText('Leavers lost access within a day in every sample').waitFor();
  });

  const reviewer = await newPage();
  await step('the reviews list shows the next planned review', async () => {
    await signIn(reviewer, 'reviewer');
    await reviewer.getByRole('link', { name: 'Reviews', exact: true }).click();
    await reviewer.waitForURL(`${base}/reviews`);
    await reviewer.locator('#next-h ~ p').getByRole('link', { name: /MR-0003/ }).waitFor();
    assert.equal(await reviewer.getByText(/signed by/).count(), 2);
    await reviewer.screenshot({ path: `${shots}/reviews.png`, fullPage: true });
    await audit(reviewer, 'reviews');
  });

  await step('the chair writes the minutes of a review and signs them; then they are locked', async () => {
    await reviewer.getByRole('link', { name: 'MR-0003', exact: true }).click();
    await reviewer.waitForURL(`${base}/reviews/MR-0003`);
    for (const key of ['a', 'b', 'c', 'd1', 'd2', 'd3', 'd4', 'e', 'f', 'g']) {
      await reviewer.locator('.pack h3', { hasText: `(${key}) ` }).waitFor();
    }
    await reviewer.locator('.pack').getByText(nc).first().waitFor();
    await audit(reviewer, 'review in preparation');
    await reviewer.getByLabel('Attendee', { exact: true }).selectOption('managing_director');
    await reviewer.getByRole('button', { name: 'Add the attendee' }).click();
    await reviewer.getByText('Recorded the attendee.').waitFor();
    await reviewer.getByLabel('Input', { exact: true }).selectOption('d3');
    await reviewer.getByLabel('Discussion', { exact: true }).fill('The backup restore finding of AUD-0003 was discussed');
    await reviewer.getByRole('button', { name: 'Record the discussion' }).click();
    await reviewer.getByText('Recorded the discussion.').waitFor();
    await reviewer.getByLabel('Kind of decision', { exact: true }).selectOption('resource');
    await reviewer.getByLabel('Decision', { exact: true }).fill('Fund a second backup appliance');
    await reviewer.getByRole('button', { name: 'Record the decision' }).click();
    await reviewer.getByText('Recorded the decision.').waitFor();
    await reviewer.getByLabel('Action item', { exact: true }).fill('Order the second backup appliance');
    await reviewer.getByLabel('Owner', { exact: true }).selectOption('it_ops');
    await reviewer.getByLabel('Due date', { exact: true }).fill('2030-01-31');
    await reviewer.getByRole('button', { name: 'Add the action item' }).click();
    await reviewer.getByText('Recorded the action item.').waitFor();
    await reviewer.locator('tr', { hasText: 'Order the second backup appliance' }).getByText('2030-01-31').waitFor();
    await reviewer.screenshot({ path: `${shots}/review-minutes.png`, fullPage: true });
    await audit(reviewer, 'review with minutes');
    const csrf = await reviewer.locator('form.signout input[name=csrf]').inputValue();
    await reviewer.getByRole('button', { name: 'Sign the minutes as chair' }).click();
    await reviewer.getByText('Recorded the sign-off: the minutes are locked.').waitFor();
    await reviewer.locator('#minutes-state', { hasText: 'signed by' }).waitFor();
    assert.equal(await reviewer.locator('#minutes-forms').count(), 0, 'the forms are gone');
    assert.equal(await reviewer.locator('main form:not(.followup)').count(), 0, 'only the follow-up of action items is left on the signed review');
    await reviewer.screenshot({ path: `${shots}/review-signed.png`, fullPage: true });
    await audit(reviewer, 'signed review');
    const r = await reviewer.request.post(`${base}/reviews/MR-0003`, {
      form: { csrf, step: 'discuss', input: 'a', text: 'added after signing' },
      maxRedirects: 0,
    });
    assert.equal(r.status(), 409);
    assert.ok((await r.text()).includes('are locked'), 'the refusal says the minutes are locked');
    const list = await reviewer.goto(`${base}/reviews`);
    assert.equal(list.status(), 200);
    assert.equal(await reviewer.getByText(/signed by/).count(), 3);
    await audit(reviewer, 'reviews after signing');
  });

  await step('a reviewer marks an action item of the signed review done', async () => {
    await reviewer.goto(`${base}/reviews/MR-0003`);
    const row = reviewer.locator('tr', { hasText: 'Order the second backup appliance' });
    await row.locator('.action-state', { hasText: 'open' }).waitFor();
    const form = reviewer.locator('form.followup', { hasText: 'Order the second backup appliance' });
    await form.getByLabel(/^What was done for RA\d+/).fill('Appliance ordered, purchase order PO-4471');
    await form.getByRole('button', { name: /^Mark RA\d+ done$/ }).click();
    await reviewer.getByText('Recorded the action item as done.').waitFor();
    await row.locator('.action-state', { hasText: 'done' }).waitFor();
    await row.getByText('Appliance ordered, purchase order PO-4471').waitFor();
    assert.equal(await reviewer.locator('form.followup', { hasText: 'Order the second backup appliance' }).count(), 0);
    await reviewer.locator('#minutes-state', { hasText: 'signed by' }).waitFor();
    await reviewer.screenshot({ path: `${shots}/review-action-done.png`, fullPage: true });
    await audit(reviewer, 'signed review with an action done');
  });

  await step('a reviewer opens a new review from the list', async () => {
    await reviewer.goto(`${base}/reviews`);
    await reviewer.getByLabel('Title').fill('Extraordinary review after the backup finding');
    await reviewer.getByLabel('Date of the meeting').fill('2030-03-15');
    await reviewer.getByLabel('Chair').selectOption('managing_director');
    await reviewer.getByRole('button', { name: 'Open the review' }).click();
    await reviewer.waitForURL(/\/reviews\/MR-\d{4}\?saved=opened$/);
    await reviewer.getByText('Recorded the opening of the review.').waitFor();
    await reviewer.getByRole('heading', { level: 1, name: /Extraordinary review after the backup finding, 2030-03-15/ }).waitFor();
    await reviewer.locator('#minutes-state', { hasText: 'in preparation' }).waitFor();
    await audit(reviewer, 'new review opened');
    await reviewer.goto(`${base}/reviews`);
    await reviewer.getByRole('rowheader', { name: /Extraordinary review after the backup finding/ }).waitFor();
    await audit(reviewer, 'reviews with the new one');
  });
}
