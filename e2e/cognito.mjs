// Payday's browser tests in Cognito mode: headless Debian Chromium (playwright-core) against the real server in
// `PAYDAY_AUTH=cognito`, whose /config.json points the page at a Cognito emulator (moto_server) with a pool and
// app client made by e2e/cognito_pool.py. scripts/test-e2e.sh starts both after the local-mode suite.
//
// The page talks to the emulator itself (cross-origin, so CORS is exercised too): SignUp, ConfirmSignUp,
// InitiateAuth (USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH); the API verifies moto's RS256 access tokens.
// What moto cannot do is stubbed in the browser with page.route and checked at the HTTP level only: a code that
// does not match (moto accepts any code), ResendConfirmationCode and RevokeToken (moto has neither). See
// docs/auth.md.
//
// Env: BASE_URL (the server), COGNITO_ENDPOINT (the emulator), CHROMIUM, OUT (default ../test-output).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';

const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const IDP = process.env.COGNITO_ENDPOINT ?? 'http://127.0.0.1:5000/';
const OUT = resolve(process.env.OUT ?? new URL('../test-output', import.meta.url).pathname);
const SHOTS = join(OUT, 'screenshots');
mkdirSync(SHOTS, { recursive: true });
const STEP_TIMEOUT = 30_000;

const email = `cognito-${Date.now()}@example.com`;
const password = 'Correct-horse-battery-9'; // the pool's policy: 12+, upper, lower, number, symbol
const TARGET = 'AWSCognitoIdentityProviderService.';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
context.setDefaultTimeout(STEP_TIMEOUT);
const page = await context.newPage();
const problems = [];
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });

// Every call the page makes to the user pool: operation, headers, body.
const calls = [];
page.on('request', (r) => {
  const target = r.headers()['x-amz-target'];
  if (r.method() === 'POST' && target?.startsWith(TARGET)) {
    calls.push({ op: target.slice(TARGET.length), contentType: r.headers()['content-type'], body: JSON.parse(r.postData() ?? '{}') });
  }
});
const callsOf = (op) => calls.filter((c) => c.op === op);

// Answers `op` in the browser instead of the emulator (for what moto lacks); other operations go through.
const stubbed = [];
async function stub(op, status, body) {
  await page.route(IDP, async (route) => {
    const request = route.request();
    if (request.method() !== 'POST' || request.headers()['x-amz-target'] !== TARGET + op) return route.fallback();
    stubbed.push({ op, body: JSON.parse(request.postData() ?? '{}') });
    await route.fulfill({
      status,
      contentType: 'application/x-amz-json-1.1',
      headers: { 'access-control-allow-origin': '*' },
      body: JSON.stringify(body),
    });
  });
}

// The user pool's API called from Node, as another client would.
async function idp(op, body) {
  const res = await fetch(IDP, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': TARGET + op },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${op} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const session = () => page.evaluate(() => JSON.parse(localStorage.getItem('payday.session')));
const claims = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());

async function eventually(check, ms = STEP_TIMEOUT) {
  const end = Date.now() + ms;
  for (;;) {
    try { return await check(); } catch (e) {
      if (Date.now() > end) throw e;
      await page.waitForTimeout(100); // a polling interval, not a wait for something to happen
    }
  }
}

const shot = (name) => page.screenshot({ path: join(SHOTS, `cognito-${name}.png`), fullPage: true });
const setAside = page.getByTestId('set-aside');
const items = page.getByTestId('task-item');
const signInHeading = page.getByRole('heading', { name: 'Sign in to Payday' });
const confirmHeading = page.getByRole('heading', { name: 'Check your e-mail' });
const nav = (name) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

const results = [];
async function step(name, body) {
  const start = Date.now();
  try {
    await body();
    results.push({ name, ok: true });
    console.log(`  ok   ${name} (${Date.now() - start} ms)`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(`  FAIL ${name}\n${error.stack ?? error}`);
    await shot(`FAILED-${name.replace(/\W+/g, '-')}`).catch(() => {});
    throw error;
  }
}

let failed = false;
try {
  await step('config.json selects Cognito; sign up is refused a weak password by the pool', async () => {
    const config = await (await fetch(`${BASE}/config.json`)).json();
    assert.equal(config.auth.mode, 'cognito');
    assert.equal(config.auth.endpoint, IDP);
    await page.goto(BASE);
    await signInHeading.waitFor();
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByText('upper- and lower-case letters').waitFor(); // the pool's hint, not local mode's
    await page.getByLabel('Name').fill('Cody');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('long but weak password');
    await page.getByRole('button', { name: 'Create account' }).click();
    // moto's InvalidPasswordException, through CORS, worded next to the field.
    await page.locator('#password-error').filter({ hasText: 'too weak' }).waitFor();
    const [signUp] = callsOf('SignUp');
    assert.equal(signUp.contentType, 'application/x-amz-json-1.1');
    assert.equal(signUp.body.Username, email);
    assert.deepEqual(signUp.body.UserAttributes, [{ Name: 'email', Value: email }, { Name: 'name', Value: 'Cody' }]);
    await shot('sign-up-weak-password');
  });

  await step('sign up with a strong password asks for the e-mailed code', async () => {
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await confirmHeading.waitFor();
    await page.getByText(/We sent a code to c\*\*\*@e\*\*\*/).waitFor(); // moto's masked CodeDeliveryDetails
    await shot('confirm-code');
  });

  await step('a wrong code and a new code are worded (stubbed: moto checks no codes and has no ResendConfirmationCode)', async () => {
    await stub('ConfirmSignUp', 400, { __type: 'CodeMismatchException', message: 'Invalid verification code provided, please try again.' });
    await stub('ResendConfirmationCode', 200, { CodeDeliveryDetails: { Destination: 'c***@e***.com', DeliveryMedium: 'EMAIL', AttributeName: 'email' } });
    await page.getByLabel('Confirmation code').fill('999999');
    await page.getByRole('button', { name: 'Confirm and sign in' }).click();
    await page.locator('#code-error').filter({ hasText: 'does not match' }).waitFor();
    await page.getByRole('button', { name: 'Send a new code' }).click();
    await page.getByRole('status').filter({ hasText: 'We sent a new code to c***@e***.com.' }).waitFor();
    await shot('confirm-wrong-code');
    assert.deepEqual(stubbed.map((s) => s.op), ['ConfirmSignUp', 'ResendConfirmationCode']);
    assert.equal(stubbed[0].body.ConfirmationCode, '999999');
    assert.equal(stubbed[1].body.Username, email);
    assert.ok(stubbed.every((s) => s.body.ClientId === callsOf('SignUp')[0].body.ClientId));
    await page.unrouteAll({ behavior: 'wait' });
    stubbed.length = 0;
  });

  await step('confirming with the code signs in and reaches the dashboard with a Cognito access token', async () => {
    await page.getByLabel('Confirmation code').fill(' 123456 '); // moto accepts any code; spaces are trimmed
    await page.getByRole('button', { name: 'Confirm and sign in' }).click();
    await setAside.waitFor();
    await page.getByText('Start here').waitFor();
    assert.equal(callsOf('ConfirmSignUp').at(-1).body.ConfirmationCode, '123456');
    const auth = callsOf('InitiateAuth').at(-1).body;
    assert.equal(auth.AuthFlow, 'USER_PASSWORD_AUTH');
    assert.equal(auth.AuthParameters.USERNAME, email);
    const s = await session();
    assert.equal(s.email, email);
    const c = claims(s.access_token);
    assert.equal(c.token_use, 'access');
    assert.match(c.iss, /^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com\//);
    assert.equal(await page.locator('.who .email').innerText(), email);
    await shot('home-empty');
  });

  await step('an authenticated API call: a task added in the page is stored for the Cognito user', async () => {
    await nav('Tasks').click();
    await page.getByText('No tasks yet').waitFor();
    const input = page.locator('#new-task');
    await input.fill('Pay rent');
    await input.press('Enter');
    await eventually(async () => assert.equal(await page.locator('.task-item.pending').count(), 0));
    const { access_token } = await session();
    const res = await fetch(`${BASE}/api/v1/tasks`, { headers: { authorization: `Bearer ${access_token}` } });
    assert.equal(res.status, 200);
    assert.deepEqual((await res.json()).items.map((t) => t.title), ['Pay rent']);
    assert.equal((await fetch(`${BASE}/api/v1/tasks`)).status, 401);
    await shot('tasks');
  });

  await step('reload and stay signed in', async () => {
    await page.reload();
    await eventually(async () => assert.deepEqual(await items.locator('.title').allInnerTexts(), ['Pay rent']));
    assert.equal(await signInHeading.count(), 0);
  });

  await step('an expired access token is refreshed with REFRESH_TOKEN_AUTH (the refresh token is kept)', async () => {
    const before = await session();
    await page.evaluate(() => {
      const s = JSON.parse(localStorage.getItem('payday.session'));
      s.expires_at = Date.now() - 1000;
      localStorage.setItem('payday.session', JSON.stringify(s));
    });
    const refreshes = callsOf('InitiateAuth').filter((c) => c.body.AuthFlow === 'REFRESH_TOKEN_AUTH').length;
    await page.reload();
    await eventually(async () => assert.deepEqual(await items.locator('.title').allInnerTexts(), ['Pay rent']));
    const refresh = callsOf('InitiateAuth').filter((c) => c.body.AuthFlow === 'REFRESH_TOKEN_AUTH');
    assert.equal(refresh.length, refreshes + 1);
    assert.deepEqual(refresh.at(-1).body.AuthParameters, { REFRESH_TOKEN: before.refresh_token });
    const after = await session();
    assert.notEqual(after.access_token, before.access_token);
    assert.equal(after.refresh_token, before.refresh_token);
    assert.ok(after.expires_at > Date.now() + 30 * 60_000);
  });

  await step('sign out revokes the refresh token and forgets the session (RevokeToken stubbed: moto lacks it)', async () => {
    // Stays stubbed for the rest of the run: an unstubbed RevokeToken is a 500 without CORS headers from moto.
    await stub('RevokeToken', 200, {});
    const { refresh_token } = await session();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInHeading.waitFor();
    assert.deepEqual(stubbed.at(-1).body, { ClientId: callsOf('SignUp')[0].body.ClientId, Token: refresh_token });
    assert.equal(await page.evaluate(() => localStorage.getItem('payday.session')), null);
    await page.reload();
    await signInHeading.waitFor();
  });

  await step('a wrong password is worded; the right one signs in again', async () => {
    await page.getByLabel('Email').fill(email.toUpperCase()); // e-mails are case-insensitive
    await page.getByLabel('Password').fill('Wrong-horse-battery-9');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong e-mail or password' }).waitFor();
    await shot('sign-in-wrong-password');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await setAside.waitFor();
    await nav('Tasks').click();
    await eventually(async () => assert.deepEqual(await items.locator('.title').allInnerTexts(), ['Pay rent']));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInHeading.waitFor();
  });

  await step('an account that never confirmed its e-mail is asked for the code at sign-in', async () => {
    const other = `cognito-unconfirmed-${Date.now()}@example.com`;
    const clientId = callsOf('SignUp')[0].body.ClientId;
    const signedUp = await idp('SignUp', { ClientId: clientId, Username: other, Password: password });
    assert.equal(signedUp.UserConfirmed, false);
    await page.getByLabel('Email').fill(other);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await confirmHeading.waitFor();
    await page.getByText('not confirmed yet').waitFor();
    await shot('sign-in-unconfirmed');
    await page.getByLabel('Confirmation code').fill('123456');
    await page.getByRole('button', { name: 'Confirm and sign in' }).click();
    await setAside.waitFor();
    assert.equal(await page.locator('.who .email').innerText(), other);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInHeading.waitFor();
  });

  const real = problems.filter((p) => !/status of 4\d\d/.test(p));
  assert.deepEqual(real, [], 'no page errors');
} catch {
  failed = true;
} finally {
  await browser.close();
}
const passed = results.filter((r) => r.ok).length;
console.log(`cognito mode: ${passed} of ${results.length} steps passed${failed ? ' — FAILED' : ''}; screenshots in ${SHOTS}`);
if (problems.length) console.log(`browser console:\n  ${problems.join('\n  ')}`);
process.exit(failed ? 1 : 0);
