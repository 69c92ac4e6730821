import { generate } from 'otplib';
import { linkIn, startSmtpServer } from '../support/smtp.js';
import { describeBrowser, useBrowser } from './support/browser.js';
import { startBrowserServer, type BrowserServer } from './support/server.js';
import { checkScreen } from './support/web-app.js';

/**
 * The pages e-mailed links open (issue 15), with the e-mails taken from a real SMTP server: an invitation's
 * link fills its code in, and a forgotten password is reset from the sign-in page, with the authenticator code
 * for an account that has one.
 */
describeBrowser('e-mailed links in the browser: invitation and password reset', () => {
  const chromium = useBrowser();
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let server: BrowserServer;
  let agencyId: string;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startBrowserServer({ env: { SMTP_URL: smtp.url } });
    await server.world.agreement();
    agencyId = await server.world.agency('Northshire Council');
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  it('the invitation link opens the page with the code filled in, and takes it out of the address bar', async () => {
    const isa = await server.world.person(agencyId, 'isa_admin', 'isa');
    await isa.client.createUser({ email: 'linked.starter@test.example', displayName: 'Linked', role: 'practitioner' });
    const { link, token } = linkIn((await smtp.mailTo('linked.starter@test.example')).text, '/invitation');
    const { page } = await chromium.person('linked-starter');
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'Set up your account' }).waitFor();
    await expect(page.getByLabel('Invitation code').inputValue()).resolves.toBe(token);
    expect(page.url()).not.toContain(token);
    await page.getByLabel('Choose a password').fill('three unrelated words here');
    await page.getByLabel('Type the password again').fill('three unrelated words here');
    await page.getByRole('button', { name: 'Set my password' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your account is ready' }).waitFor();
  });

  it('a forgotten password: a link by e-mail, then the new password and the authenticator code', async () => {
    const ada = await server.world.person(agencyId, 'agency_admin', 'ada');
    const { page } = await chromium.person('ada');
    await page.goto(server.url('/'));
    await page.getByRole('link', { name: 'I have forgotten my password' }).click();
    await page.getByRole('heading', { level: 1, name: 'Forgotten password' }).waitFor();
    await checkScreen(page, 'password-reset-ask');
    await page.getByLabel('Work e-mail address').fill(ada.email);
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check your e-mail' }).waitFor();

    const { link } = linkIn((await smtp.mailTo(ada.email)).text, '/password-reset');
    // The link names the server's own HOST:PORT when PUBLIC_URL is unset: open its page and code here.
    await page.goto(server.url(new URL(link).pathname + new URL(link).hash));
    await page.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill('a new password of mine');
    await page.getByLabel('Type the new password again').fill('a new password of mine');
    await page.getByRole('button', { name: 'Set my new password' }).click();
    // The account has two-factor sign-in: the page asks for the code, keeping what was typed.
    await page.getByLabel('Code from your authenticator app').waitFor();
    await checkScreen(page, 'password-reset-choose');
    server.clock.advance(30_000);
    const code = await generate({ secret: ada.totpSecret!, epoch: Math.floor(server.clock.now().getTime() / 1000) });
    await page.getByLabel('Code from your authenticator app').fill(code);
    await page.getByRole('button', { name: 'Set my new password' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your new password is set' }).waitFor();
    await expect(ada.client.me()).rejects.toMatchObject({ status: 401 });
  });
});
