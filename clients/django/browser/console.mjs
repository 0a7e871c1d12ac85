// The operations console in a real browser: Debian's Chromium driven by playwright-core, against the example project
// and `outrigger local up` that DjangoConsoleBrowserIT (tests/) started, with jobs the real worker dead-lettered:
// three example.ship jobs refused (Http422) before their orders existed (they exist now), two example.crash
// jobs that ran out of attempts (Http500). Exits non-zero on the first thing that is not as it should be.
//
//   CONSOLE_BASE_URL=http://127.0.0.1:8000/ CONSOLE_DLQ=outrigger-dev-jobs-default-dlq CONSOLE_GROUP=outrigger-dev \
//   CONSOLE_ADMIN=admin:pw CONSOLE_VIEWER=viewer:pw [CONSOLE_SCREENSHOTS=dir] node clients/django/browser/console.mjs
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const base = process.env.CONSOLE_BASE_URL;
const dlq = process.env.CONSOLE_DLQ;
const group = process.env.CONSOLE_GROUP;
const [adminUser, adminPassword] = process.env.CONSOLE_ADMIN.split(':');
const [viewerUser, viewerPassword] = process.env.CONSOLE_VIEWER.split(':');
const shots = process.env.CONSOLE_SCREENSHOTS;
const FIXED = 'Http422';   // the reason the test fixed (the orders exist now)
const BROKEN = 'Http500';  // a bug still there
const url = (path) => new URL(path, base).toString();
const DEAD_LETTERS = url('admin/outrigger_console/deadletter/');

if (shots) mkdirSync(shots, { recursive: true });
async function shot(page, name) {
  if (shots) await page.screenshot({ path: join(shots, `console-${name}.png`), fullPage: true });
}

function step(what) {
  console.log(`[browser] ${what}`);
}

async function login(browser, user, password) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(url('admin/login/?next=/admin/'));
  await page.fill('#id_username', user);
  await page.fill('#id_password', password);
  await Promise.all([page.waitForURL(url('admin/')), page.click('input[type=submit]')]);
  return page;
}

/** { error: count } of the DLQ's groups on the dead letters page. */
async function groups(page) {
  await page.goto(DEAD_LETTERS);
  const rows = page.locator(`section[data-queue="${dlq}"] tr.outrigger-group`);
  const out = {};
  for (const row of await rows.all()) {
    out[await row.getAttribute('data-error')] = Number(await row.locator('td.count').innerText());
  }
  return out;
}

async function submitGroup(page, error, mode) {
  await page.goto(DEAD_LETTERS);
  const section = page.locator(`section[data-queue="${dlq}"]`);
  await section.locator(`tr.outrigger-group[data-error="${error}"] input[name=group]`).check();
  await Promise.all([page.waitForURL(url('admin/outrigger_console/deadletter/redrive/')),
    section.locator(`button[name=mode][value=${mode}]`).click()]);
  return Number(await page.locator('.outrigger-report b.moved').first().innerText());
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-background-networking'],
});
try {
  step('an admin logs in and sees the dead letters grouped by reason');
  const admin = await login(browser, adminUser, adminPassword);
  await shot(admin, 'admin-index');
  assert.deepEqual(await groups(admin), { [FIXED]: 3, [BROKEN]: 2 });
  await shot(admin, 'dead-letters');

  step('a dry run of one reason says what would move, and nothing moves');
  assert.equal(await submitGroup(admin, FIXED, 'dry_run'), 3);
  assert.match(await admin.locator('#content-main h2').first().innerText(), /Dry run: nothing was moved/);
  await shot(admin, 'dry-run');
  assert.deepEqual(await groups(admin), { [FIXED]: 3, [BROKEN]: 2 });

  step('a redrive with nothing selected asks first, showing the count');
  await admin.goto(DEAD_LETTERS);
  await Promise.all([admin.waitForURL(url('admin/outrigger_console/deadletter/redrive/')),
    admin.locator(`section[data-queue="${dlq}"] button[name=mode][value=redrive]`).click()]);
  assert.equal(await admin.locator('.outrigger-confirm b.count').innerText(), '5');
  await admin.getByRole('link', { name: 'Cancel' }).click();
  assert.deepEqual(await groups(admin), { [FIXED]: 3, [BROKEN]: 2 });

  step('the admin redrives the fixed reason: those jobs succeed, the others stay in the DLQ');
  assert.equal(await submitGroup(admin, FIXED, 'redrive'), 3);
  await shot(admin, 'redrive');
  const runs = url('admin/outrigger/outriggerjobrun/?name=example.ship&status=succeeded');
  for (const deadline = Date.now() + 30_000; ; ) {
    await admin.goto(runs);
    if (await admin.locator('#result_list tbody tr').count() === 3) break;
    assert.ok(Date.now() < deadline, 'the redriven example.ship jobs did not all succeed within 30 s');
    await admin.waitForTimeout(500);
  }
  await shot(admin, 'job-runs');
  assert.deepEqual(await groups(admin), { [BROKEN]: 2 });

  step('a user without the redrive permission sees no redrive, and a POST of their own is refused');
  const viewer = await login(browser, viewerUser, viewerPassword);
  assert.deepEqual(await groups(viewer), { [BROKEN]: 2 });
  assert.equal(await viewer.locator('button[name=mode]').count(), 0);
  const forged = await viewer.evaluate(async ({ queue }) => {
    const token = document.cookie.split('; ').find((c) => c.startsWith('csrftoken='))?.split('=')[1] ?? '';
    const body = new URLSearchParams({ queue, mode: 'redrive', confirm_all: 'yes', csrfmiddlewaretoken: token });
    const r = await fetch('redrive/', { method: 'POST', body, headers: { 'X-CSRFToken': token } });
    return r.status;
  }, { queue: dlq });
  assert.equal(forged, 403);
  await shot(viewer, 'viewer');

  step('a POST without the CSRF token is refused, even from the admin');
  const csrfless = await admin.evaluate(async ({ queue }) => (await fetch('/admin/outrigger_console/deadletter/redrive/', {
    method: 'POST', body: new URLSearchParams({ queue, mode: 'redrive', confirm_all: 'yes' }),
  })).status, { queue: dlq });
  assert.equal(csrfless, 403);
  assert.deepEqual(await groups(admin), { [BROKEN]: 2 });

  step('the admin pauses the schedule group, and every schedule shows paused');
  await admin.goto(url('admin/outrigger_console/schedule/'));
  const section = admin.locator(`section[data-group="${group}"]`);
  assert.ok(await section.locator('td.state:text-is("ENABLED")').count() > 0, 'no enabled schedule to pause');
  await shot(admin, 'schedules');
  await Promise.all([admin.waitForURL(url('admin/outrigger_console/schedule/')),
    section.locator('button[name=action][value=pause]').click()]);
  const states = await section.locator('td.state').allInnerTexts();
  assert.ok(states.length > 0 && states.every((s) => s === 'DISABLED'), `not all paused: ${states}`);
  assert.match(await section.locator('h2').innerText(), /paused/);
  await shot(admin, 'schedules-paused');

  step('queues show their depths, and the deploy the runtime ran shows the state it failed in');
  await admin.goto(url('admin/outrigger_console/queue/'));
  assert.equal(await admin.locator(`tr.outrigger-queue[data-queue="${dlq}"] td.visible`).innerText(), '2');
  await shot(admin, 'queues');
  await admin.goto(url('admin/outrigger_console/statemachine/'));
  assert.equal(await admin.locator('section.outrigger-machine').count(), 2);
  const deploy = admin.locator('section.outrigger-machine[data-label="deploy"] tr.outrigger-execution');
  assert.equal(await deploy.locator('td.status').first().innerText(), 'FAILED');
  assert.match(await deploy.first().innerText(), /RunMigrations/);
  await shot(admin, 'state-machines');
  step('all checks passed');
} finally {
  await browser.close();
}
