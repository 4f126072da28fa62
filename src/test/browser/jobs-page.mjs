// Drives the management console in the system's headless Chromium, as an operator would: logs in, sees the delivered
// job with its thumbnails, filters to FAILED and sees the failed one with its reason, then opens Hawtio's Camel routes;
// after logging out, the page's own requests get 401 without a Basic challenge and the jobs page returns to the login.
// Run by JobsPageBrowserIT, which starts the bundle and passes where it is in the environment:
//   CONSOLE_URL, CONSOLE_USER, CONSOLE_PASSWORD, DELIVERED_ID, FAILED_ID, SCREENSHOTS (a folder), CHROMIUM (optional)
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const env = (name) => {
  const value = process.env[name];
  if (!value) { throw new Error(`environment variable ${name} is not set`); }
  return value;
};
const base = env('CONSOLE_URL');
const delivered = env('DELIVERED_ID');
const failed = env('FAILED_ID');
const screenshots = env('SCREENSHOTS');
mkdirSync(screenshots, { recursive: true });

const checks = [];
function check(name, ok, detail) {
  checks.push({ name, ok });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok || !detail ? '' : ': ' + detail}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(30000);

  // not logged in: any page sends us to the login form
  await page.goto(base + '/');
  check('an anonymous visit lands on the login page', page.url().includes('/login.html'), page.url());
  await page.fill('#username', env('CONSOLE_USER'));
  await page.fill('#password', env('CONSOLE_PASSWORD'));
  await Promise.all([page.waitForURL((url) => !url.pathname.endsWith('/login.html')), page.click('#login')]);
  check('after login the jobs page opens', new URL(page.url()).pathname === '/', page.url());

  // the delivered job, with its thumbnails loaded (decoded by the browser, so real images)
  const deliveredRow = page.locator(`tr.job[data-id="${delivered}"]`);
  await deliveredRow.waitFor();
  check('the delivered job is listed as DELIVERED', (await deliveredRow.getAttribute('data-state')) === 'DELIVERED');
  const thumbnails = deliveredRow.locator('img.thumbnail');
  await page.waitForFunction((id) => {
    const imgs = document.querySelectorAll(`tr.job[data-id="${id}"] img.thumbnail`);
    return imgs.length > 0 && Array.from(imgs).every((img) => img.complete && img.naturalWidth > 0);
  }, delivered);
  check('its thumbnails are shown', (await thumbnails.count()) === 4, `${await thumbnails.count()} thumbnails`);
  check('the failed job is listed too', (await page.locator(`tr.job[data-id="${failed}"]`).count()) === 1);

  // it refreshes by itself: the "updated" time changes without a reload
  const updated = await page.textContent('#updated');
  await page.waitForFunction((before) => document.querySelector('#updated').textContent !== before, updated);
  check('the page refreshes by itself', true);
  await page.screenshot({ path: join(screenshots, 'jobs-page.png'), fullPage: true });

  // filter to FAILED
  await page.selectOption('#state-filter', 'FAILED');
  await page.waitForFunction((id) => {
    const rows = document.querySelectorAll('tr.job');
    return rows.length > 0 && Array.from(rows).every((row) => row.dataset.state === 'FAILED')
      && document.querySelector(`tr.job[data-id="${id}"]`) !== null;
  }, failed);
  check('filtered to FAILED, the failed job is shown', true);
  check('and the delivered one is not', (await page.locator(`tr.job[data-id="${delivered}"]`).count()) === 0);
  const reason = (await page.locator(`tr.job[data-id="${failed}"] .reason`).textContent()) || '';
  check('the failure reason is shown', reason.trim().length > 0, JSON.stringify(reason));
  check('the filter is kept in the address', page.url().includes('state=FAILED'), page.url());
  await page.screenshot({ path: join(screenshots, 'jobs-page-failed.png'), fullPage: true });

  // Hawtio, same login session: the Camel plugin lists the bundle's routes
  await page.goto(base + '/hawtio/camel/routes');
  await page.getByText('claim-due-jobs', { exact: true }).first().waitFor({ timeout: 60000 });
  // the context's "routes" folder: a table of every route with its state and exchange counts
  await page.getByText('routes', { exact: true }).first().click();
  const routesTable = page.locator('main table, table').filter({ hasText: 'claim-due-jobs' }).first();
  await routesTable.waitFor({ timeout: 60000 });
  check('Hawtio shows the Camel routes with their statistics',
    (await routesTable.getByText('deliver-images', { exact: true }).count()) > 0);
  await page.screenshot({ path: join(screenshots, 'hawtio-routes.png'), fullPage: true });

  // logging out ends the session: the jobs page asks for the login again
  await page.goto(base + '/logout');
  await page.goto(base + '/');
  check('after logging out the login page is shown again', page.url().includes('/login.html'), page.url());

  // without a session a page's own request gets 401 without a Basic challenge, so the browser asks no password itself
  const probe = await page.evaluate(async () => {
    const response = await fetch('/api/jobs', { headers: { Accept: 'application/json' } });
    return { status: response.status, challenge: response.headers.get('www-authenticate'), body: await response.text() };
  });
  check('a page\'s request without a session gets 401 without a challenge',
    probe.status === 401 && probe.challenge === null && !probe.body.includes('"jobs"'), JSON.stringify(probe));

  // the jobs page goes back to the login form by itself when its session ends
  await page.fill('#username', env('CONSOLE_USER'));
  await page.fill('#password', env('CONSOLE_PASSWORD'));
  await Promise.all([page.waitForURL((url) => !url.pathname.endsWith('/login.html')), page.click('#login')]);
  await page.locator(`tr.job[data-id="${delivered}"]`).waitFor();
  await page.context().clearCookies();
  await page.waitForURL((url) => url.pathname.endsWith('/login.html'));
  check('when the session ends the jobs page returns to the login form', true);
} catch (e) {
  check('the browser walk-through finished', false, e.message);
} finally {
  await browser.close();
}

const failedChecks = checks.filter((c) => !c.ok).length;
console.log(`${checks.length - failedChecks} passed, ${failedChecks} failed`);
process.exit(failedChecks === 0 ? 0 : 1);
