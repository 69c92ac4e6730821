import { generate } from 'otplib';
import { describeBrowser, useBrowser } from './support/browser.js';
import { startBrowserServer, type BrowserServer } from './support/server.js';
import { checkScreen, PASSPHRASE, setUpFirstBrowser, signIn } from './support/web-app.js';

/**
 * Getting in for the first time, in the page (issue 13): someone invited sets their password with the
 * code their administrator gave them; an administrator, whose role needs an authenticator app, sets it up
 * at first sign-in, keeps the recovery codes, and later signs in with one of them.
 */
describeBrowser('accounts in the browser: invitation, two-factor sign-in', () => {
  const chromium = useBrowser();
  let server: BrowserServer;
  let agencyId: string;

  beforeAll(async () => {
    server = await startBrowserServer();
    await server.world.agreement();
    agencyId = await server.world.agency('Northshire Council');
  });
  afterAll(() => server.close());

  it('an invited person sets their password with the code, then signs in', async () => {
    const { invitation } = await server.world.users.create(null, {
      agencyId,
      email: 'new.starter@test.example',
      displayName: 'New Starter',
      role: 'practitioner',
    });
    const { page } = await chromium.person('new-starter');
    await page.goto(server.url('/'));
    await page.getByRole('link', { name: 'I have an invitation code: set up my account' }).click();
    await page.getByRole('heading', { level: 1, name: 'Set up your account' }).waitFor();
    await page.getByLabel('Invitation code').fill(invitation.token);
    await page.getByLabel('Choose a password').fill('short');
    await page.getByLabel('Type the password again').fill('short');
    await page.getByRole('button', { name: 'Set my password' }).click();
    await page.getByText(/Use at least \d+ characters/).waitFor();
    await checkScreen(page, 'invitation');
    const password = 'three unrelated words here';
    await page.getByLabel('Choose a password').fill(password);
    await page.getByLabel('Type the password again').fill(password);
    await page.getByRole('button', { name: 'Set my password' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your account is ready' }).waitFor();
    await page.getByRole('button', { name: 'Go to sign in' }).click();
    await page.getByLabel('Work e-mail address').fill('new.starter@test.example');
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Before you start' }).waitFor();

    // The code works once: a second use is refused in plain words, and nothing changes.
    const again = (await chromium.person('someone-else')).page;
    await again.goto(server.url('/invitation'));
    await again.getByLabel('Invitation code').fill(invitation.token);
    await again.getByLabel('Choose a password').fill('another long password');
    await again.getByLabel('Type the password again').fill('another long password');
    await again.getByRole('button', { name: 'Set my password' }).click();
    await again.getByRole('alert').waitFor();
    await expect(again.getByRole('heading', { level: 1, name: 'Your account is ready' }).count()).resolves.toBe(0);
  });

  it('an administrator sets up an authenticator at first sign-in, then signs in with a recovery code', async () => {
    const admin = await server.world.account(agencyId, 'agency_admin', 'ada');
    const { page } = await chromium.person('ada');
    await page.goto(server.url('/'));
    await page.getByLabel('Work e-mail address').fill(admin.email);
    await page.getByLabel('Password', { exact: true }).fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Set up two-factor sign-in' }).waitFor();
    const secret = (await page.getByLabel('Key for your authenticator app').innerText()).replace(/\s/g, '');
    await checkScreen(page, 'two-factor-set-up');
    const totp = await generate({ secret, epoch: Math.floor(server.clock.now().getTime() / 1000) });
    await page.getByLabel('Code from your authenticator app').fill(totp);
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Keep your recovery codes' }).waitFor();
    const codes = await page.getByLabel('Your recovery codes').getByRole('listitem').allInnerTexts();
    expect(codes).toHaveLength(10);
    await checkScreen(page, 'two-factor-recovery-codes');
    await page.getByLabel('I have kept my recovery codes somewhere safe').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { level: 1, name: 'Before you start' }).waitFor();
    for (const box of await page.getByRole('checkbox').all()) await box.check();
    await page.getByRole('button', { name: 'Confirm and continue' }).click();
    await setUpFirstBrowser(page);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in to Strongroom' }).waitFor();
    await page.getByLabel('Work e-mail address').fill(admin.email);
    await page.getByLabel('Password', { exact: true }).fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Code from your authenticator app').waitFor();
    await checkScreen(page, 'sign-in-code');
    await page.getByRole('button', { name: /use a recovery code/ }).click();
    await page.getByLabel('One of your recovery codes').fill(codes[0].trim());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Unlock your keys' }).waitFor();
  });

  it('the keys lock after 15 minutes without use (any key press moves that on), and at once on Lock', async () => {
    const lou = await server.world.account(agencyId, 'practitioner', 'lou');
    const { page } = await chromium.person('lou');
    await page.clock.install(); // the page's timers, moved by the test: no waiting a quarter of an hour
    await signIn(page, server.url('/'), lou);
    await setUpFirstBrowser(page);
    const messages = page.getByRole('heading', { level: 1, name: 'Messages' });
    const unlock = page.getByRole('heading', { level: 1, name: 'Unlock your keys' });

    await page.clock.fastForward('14:00');
    await expect(messages.isVisible()).resolves.toBe(true);
    await page.keyboard.press('Shift'); // in use: the quarter of an hour starts again
    await page.clock.fastForward('14:00');
    await expect(messages.isVisible()).resolves.toBe(true);
    await page.clock.fastForward('01:01');
    await unlock.waitFor();
    await checkScreen(page, 'unlock');

    await page.getByLabel('Passphrase for this browser').fill('not the passphrase');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByText(/^That passphrase does not open the keys in this browser/).waitFor();
    await page.getByLabel('Passphrase for this browser').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await messages.waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Lock' }).click();
    await unlock.waitFor();

    // Signing out while the server cannot be reached: out here all the same, and told the session lives on.
    await page.route('**/api/auth/logout', (route) => route.abort('internetdisconnected'));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in to Strongroom' }).waitFor();
    await page.getByText(/the server could not be reached to end the session/).waitFor();
  });
});
