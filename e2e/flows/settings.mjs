// Browser tests of the notification settings pages, run by run.mjs: a
// person chooses their notices on "My notifications" (an http:// webhook is
// refused beside the form, an https:// one saved and shown back); the
// administrator opens the notification settings of every person and
// changes one person's choices.
import assert from 'node:assert/strict';

export async function notificationSettings({ page, audit, step, base, shots }) {
  await step('a person sets their own notification preferences and sees them saved', async () => {
    await page.getByRole('link', { name: 'My notifications' }).click();
    await page.waitForURL(`${base}/settings/notifications`);
    await page.getByRole('heading', { name: 'What you receive now' }).waitFor();
    await audit(page, 'my notifications');
    await page.getByLabel('a value you collect is due', { exact: true }).uncheck();
    await page.getByLabel('a management review you chair is coming up or due', { exact: true }).uncheck();
    await page.getByLabel(/^Webhook/).fill('http://hooks.example.com/clause9');
    const [r] = await Promise.all([
      page.waitForResponse((res) => res.url() === `${base}/settings/notifications` && res.request().method() === 'POST'),
      page.getByRole('button', { name: 'Save the notification settings' }).click(),
    ]);
    assert.equal(r.status(), 422);
    await page.locator('[role=alert]', { hasText: 'webhook must be an https:// URL' }).waitFor();
    await audit(page, 'my notifications refused', 422);
    // the refused form keeps what was sent
    assert.equal(await page.getByLabel('a value you collect is due', { exact: true }).isChecked(), false);
    await page.getByLabel(/^Webhook/).fill('https://hooks.example.com/clause9');
    await page.getByRole('button', { name: 'Save the notification settings' }).click();
    await page.waitForURL(`${base}/settings/notifications?saved=1`);
    await page.getByText('Saved your notification settings.').waitFor();
    const current = await page.locator('#notify-current').innerText();
    assert.ok(current.includes('by webhook to https://hooks.example.com/clause9'), current);
    assert.ok(!current.includes('a value you collect is due'), current);
    assert.ok(current.includes('a value you collect is overdue'), current);
    await page.reload();
    assert.equal(await page.getByLabel('a value you collect is due', { exact: true }).isChecked(), false);
    assert.equal(await page.getByLabel('a value you collect is overdue', { exact: true }).isChecked(), true);
    await page.screenshot({ path: `${shots}/my-notifications.png`, fullPage: true });
    await audit(page, 'my notifications saved');
  });

  await step('the administrator opens the notification settings of everyone and changes one', async () => {
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('link', { name: 'Notification settings' }).click();
    await page.waitForURL(`${base}/admin/notifications`);
    const own = page.locator('tr', { has: page.getByRole('rowheader', { name: /\(isms_manager\)$/ }) });
    await own.getByText('by webhook to https://hooks.example.com/clause9').waitFor();
    await page.screenshot({ path: `${shots}/admin-notifications.png`, fullPage: true });
    await audit(page, 'admin notification settings');
    await page.locator('a[href="/admin/notifications/hr_lead"]').click();
    await page.waitForURL(`${base}/admin/notifications/hr_lead`);
    await audit(page, 'admin notification settings of a person');
    await page.getByLabel('By email, to the address in the programme').uncheck();
    await page.getByLabel('an internal audit you audit, or whose scope you own, is coming up', { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Save the notification settings' }).click();
    await page.waitForURL(`${base}/admin/notifications?saved=hr_lead`);
    await page.getByText(/Done: the notification settings of .* \(hr_lead\)\./).waitFor();
    const row = page.locator('tr', { has: page.getByRole('rowheader', { name: /\(hr_lead\)$/ }) });
    await row.getByText('not at all: neither by email nor by webhook').waitFor();
    await audit(page, 'admin notification settings changed');
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('cell', { name: 'person:hr_lead' }).first().waitFor();
    await audit(page, 'audit log with the notification change');
  });
}
