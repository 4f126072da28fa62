// Drives the management console in the system's headless Chromium, as an operator would: logs in, sees the budgets
// and the spend, the delivered job with its thumbnails, opens a job's detail by its link, filters by state, provider,
// route, date and id, retries the failed job, cancels a waiting one and sees a refused action's reason, then opens
// Hawtio's Camel routes; after logging out, the page's own requests get 401 without a Basic challenge and the jobs
// page returns to the login. Run by JobsPageBrowserIT, which starts the bundle and passes in the environment:
//   CONSOLE_URL, CONSOLE_USER, CONSOLE_PASSWORD, DELIVERED_ID, FAILED_ID, ROUTE_ID (a job on route "fast"),
//   WAITING_ID and WAITING2_ID (generations that never finish), SCREENSHOTS (a folder), CHROMIUM (optional)
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
const routed = env('ROUTE_ID');
const waiting = env('WAITING_ID');
const waiting2 = env('WAITING2_ID');
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

  // spend against budgets at the top
  const budgets = (await page.textContent('#budgets')) || '';
  check('the budgets strip shows the budget\'s use', /all-images per day: [\d.]+ of 100 credits \([\d.]+ left\)/.test(budgets),
    budgets);
  const spend = (await page.textContent('#spend')) || '';
  check('the spend so far is shown per provider', /Spent so far: all-images [\d.]+ credits/.test(spend), spend);
  await page.screenshot({ path: join(screenshots, 'jobs-page.png'), fullPage: true });

  // a job's detail, linked by its address
  await page.goto(base + '/#job=' + encodeURIComponent(delivered));
  const detail = page.locator(`#detail[data-id="${delivered}"]`);
  await detail.waitFor();
  const timeline = await page.locator('#detail-timeline li').evaluateAll((items) => items.map((li) => li.dataset.state));
  check('the detail shows the timeline of states', timeline[0] === 'ACCEPTED' && timeline.includes('SUBMITTED')
    && timeline[timeline.length - 1] === 'DELIVERED', JSON.stringify(timeline));
  const attempts = await page.locator('#detail-attempts tbody tr').allTextContents();
  check('the detail shows the attempt at the provider', attempts.length === 1 && attempts[0].startsWith('all-images'),
    JSON.stringify(attempts));
  check('the detail shows the cost', /^4 credits/.test((await page.textContent('#detail-cost')) || ''));
  await page.waitForFunction(() => {
    const imgs = document.querySelectorAll('#detail-images img.thumbnail');
    return imgs.length === 4 && Array.from(imgs).every((img) => img.complete && img.naturalWidth > 0);
  });
  check('the detail shows the images', true);
  const sinks = await page.locator('#detail-sinks tbody tr').allTextContents();
  check('the detail shows the sinks\' outcome', sinks.length > 0 && sinks.every((row) => row.includes('DELIVERED')),
    JSON.stringify(sinks));
  const manifest = JSON.parse((await page.textContent('#detail-manifest')) || '{}');
  check('the detail shows the manifest', manifest.id === delivered && manifest.state === 'DELIVERED');
  check('a delivered job offers neither retry nor cancel',
    !(await page.isVisible('#retry')) && !(await page.isVisible('#cancel')));
  await page.screenshot({ path: join(screenshots, 'jobs-page-detail.png'), fullPage: true });

  // each filter, server-side, kept in the address
  const shown = () => page.locator('tr.job').evaluateAll((rows) => rows.map((row) => row.dataset.id).sort());
  async function filtered(description, expected) {
    const want = [...expected].sort();
    try {
      await page.waitForFunction((ids) => {
        const now = Array.from(document.querySelectorAll('tr.job')).map((row) => row.dataset.id).sort();
        return JSON.stringify(now) === JSON.stringify(ids)
          && document.getElementById('empty').hidden === (ids.length > 0);
      }, want, { timeout: 15000 });
      check(description, true);
    } catch (e) {
      check(description, false, `shown ${JSON.stringify(await shown())}, expected ${JSON.stringify(want)}`);
    }
  }
  await page.goto(base + '/');
  await page.selectOption('#route-filter', 'fast');
  await filtered('filtered by route, only the job on it is shown', [routed]);
  check('the route filter is kept in the address', page.url().includes('route=fast'), page.url());
  await page.click('#clear-filters');
  await page.selectOption('#provider-filter', 'rendernet');
  await filtered('filtered by a provider without jobs, none is shown', []);
  await page.selectOption('#provider-filter', 'all-images');
  await filtered('filtered by provider, its jobs are shown', [delivered, failed, routed, waiting, waiting2]);
  await page.click('#clear-filters');
  await page.fill('#id-filter', delivered.slice(0, delivered.length - 3));
  await filtered('searched by the start of an id, that job is shown', [delivered]);
  await page.fill('#id-filter', waiting2);
  await filtered('searched by a whole id, that job is shown', [waiting2]);
  await page.fill('#id-filter', waiting);
  await filtered('a whole id that starts another finds both', [waiting, waiting2]);
  await page.click('#clear-filters');
  const day = (offset) => new Date(Date.now() + offset * 86400000).toLocaleDateString('en-CA'); // yyyy-mm-dd
  await page.fill('#from-filter', day(1));
  await filtered('accepted from tomorrow: none', []);
  await page.fill('#from-filter', day(-1));
  await page.fill('#to-filter', day(0));
  await filtered('accepted from yesterday to today: all', [delivered, failed, routed, waiting, waiting2]);
  await page.click('#clear-filters');
  await page.selectOption('#state-filter', 'FAILED');
  await filtered('filtered to FAILED, the failed job is shown', [failed]);
  const reason = (await page.locator(`tr.job[data-id="${failed}"] .reason`).textContent()) || '';
  check('the failure reason is shown', reason.trim().length > 0, JSON.stringify(reason));
  check('the filter is kept in the address', page.url().includes('state=FAILED'), page.url());
  await page.screenshot({ path: join(screenshots, 'jobs-page-failed.png'), fullPage: true });

  // retry the failed job from its detail: a new generation, which the simulator fails again
  await page.click(`tr.job[data-id="${failed}"]`);
  await page.locator(`#detail[data-id="${failed}"]`).waitFor();
  check('a failed job offers retry, not cancel', (await page.isVisible('#retry')) && !(await page.isVisible('#cancel')));
  await page.click('#retry');
  await page.locator('#action-result.done').waitFor();
  check('the retry is confirmed', /^Retry requested: now /.test(await page.textContent('#action-result')),
    await page.textContent('#action-result'));
  await page.locator('#detail-timeline li', { hasText: 'retry requested from the jobs page' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#detail-timeline li[data-state="FAILED"]').length === 2);
  check('the timeline shows the retry and the second generation\'s failure', true);

  // cancel a waiting job
  await page.click('#clear-filters');
  await page.click(`tr.job[data-id="${waiting}"]`);
  await page.locator(`#detail[data-id="${waiting}"]`).waitFor();
  check('a waiting job offers cancel, not retry', (await page.isVisible('#cancel')) && !(await page.isVisible('#retry')));
  await page.click('#cancel');
  await page.locator('#action-result.done').waitFor();
  check('the cancel is confirmed', /^Cancelled: now CANCELLED/.test(await page.textContent('#action-result')),
    await page.textContent('#action-result'));
  await page.locator(`tr.job[data-id="${waiting}"][data-state="CANCELLED"]`).waitFor();
  await page.locator(`#detail[data-id="${waiting}"][data-state="CANCELLED"]`).waitFor();
  check('the list and the detail show it CANCELLED, without the cancel button', !(await page.isVisible('#cancel')));

  // a refused action: the other waiting job is cancelled elsewhere (another operator) after this page showed its
  // button, and the button is pressed before the page learned of it
  await page.click(`tr.job[data-id="${waiting2}"]`);
  await page.locator(`#detail[data-id="${waiting2}"]`).waitFor();
  await page.locator('#cancel').waitFor();
  const elsewhere = await page.evaluate(async (id) => (await fetch('/api/jobs/' + id + '/cancel',
    { method: 'POST', headers: { 'X-Imagegen-Console': 'another-tab' } })).status, waiting2);
  await page.evaluate(() => document.getElementById('cancel').click());
  await page.locator('#action-result.error').waitFor();
  const refused = (await page.textContent('#action-result')) || '';
  check('a refused action shows the reason', elsewhere === 200
    && refused.startsWith(`Refused: generation '${waiting2}' is CANCELLED; only`), refused);
  await page.locator(`#detail[data-id="${waiting2}"][data-state="CANCELLED"]`).waitFor();
  check('the detail refreshes to the job\'s state', !(await page.isVisible('#cancel')));
  await page.screenshot({ path: join(screenshots, 'jobs-page-refused.png'), fullPage: true });

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
