import { checkAccessibility } from './support/accessibility.js';
import { describeBrowser, useBrowser } from './support/browser.js';
import { describeProblems } from './support/person.js';
import { serveOrigin } from './support/static-origin.js';
import { pageContentSecurityPolicy } from '../../src/common/security-headers.js';

const ORIGIN = 'https://harness.strongroom.test';

const page = (body: string, head = '') =>
  `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Harness</title>${head}</head><body><main>${body}</main></body></html>`;

/**
 * The harness's own checks catch what they are there to catch, on made-up pages under the server's page
 * policy: a check that silently passes everything would make every other browser test worthless.
 */
describeBrowser('browser test harness: it catches CSP violations, errors and accessibility problems', () => {
  const chromium = useBrowser();

  const open = async (name: string, files: Record<string, string>) => {
    const person = await chromium.person(name);
    await serveOrigin(
      person.context,
      ORIGIN,
      Object.fromEntries(
        Object.entries(files).map(([p, body]) => [
          p,
          { body, contentType: p.endsWith('.js') ? 'text/javascript' : 'text/html' },
        ]),
      ),
      { 'Content-Security-Policy': pageContentSecurityPolicy() },
    );
    return person;
  };

  it('an inline script refused by the page policy is reported as a CSP violation, with its directive', async () => {
    const person = await open('csp', {
      '/': page('<p>Hello</p><script>document.title = "ran"</script><script src="/ok.js"></script>'),
      '/ok.js': 'document.body.dataset.loaded = "yes";',
    });
    await person.page.goto(`${ORIGIN}/`);
    await expect(person.page.evaluate(() => document.body.dataset.loaded)).resolves.toBe('yes');
    await expect(person.page.title()).resolves.toBe('Harness'); // the inline one never ran
    const problems = await person.takeProblems();
    expect(problems.csp.some((v) => v.startsWith('script-src-elem refused inline'))).toBe(true);
    expect(describeProblems('csp', problems)).toContain('Content-Security-Policy violations');
    // Taken: nothing left for the check after this test.
    await expect(person.takeProblems()).resolves.toEqual({ csp: [], pageErrors: [], consoleErrors: [] });
  });

  it('a script added later by the page (or by a test) is caught too, and so is an uncaught error', async () => {
    const person = await open('later', {
      '/': page('<p>Hello</p><script src="/boom.js"></script>'),
      '/boom.js': 'setTimeout(() => { throw new Error("boom from the page"); });',
    });
    await person.page.goto(`${ORIGIN}/`);
    await person.page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.injected = true';
      document.body.append(s);
    });
    await expect(person.page.evaluate(() => 'injected' in window)).resolves.toBe(false);
    const problems = await person.takeProblems();
    expect(problems.csp).toContainEqual(expect.stringMatching(/^script-src-elem refused inline/));
    expect(problems.pageErrors.join('\n')).toContain('boom from the page');
  });

  it('checkAccessibility runs under script-src self and fails with the rule, its help and the element', async () => {
    const person = await open('a11y', {
      '/': page('<h1>Form</h1><img src="/x.png" class="photo"><button class="icon"></button>'),
    });
    await person.page.goto(`${ORIGIN}/`);
    const failure = await checkAccessibility(person.page, 'harness-broken').then(
      () => 'passed',
      (err: Error) => err.message,
    );
    expect(failure).toContain('harness-broken: 2 serious or critical accessibility violation(s)');
    expect(failure).toMatch(/- image-alt \[critical\]: Images must have alternative text/);
    expect(failure).toMatch(/- button-name \[critical\]: Buttons must have discernible text/);
    expect(failure).toContain('at img: <img src="/x.png" class="photo">');
    expect(failure).toContain('at button: <button class="icon"></button>');
    // Let off by name and reason, the same page passes; a let-off for a rule that holds is refused.
    await expect(
      checkAccessibility(person.page, 'harness-broken', { 'image-alt': 'test', 'button-name': 'test' }),
    ).resolves.toEqual(expect.any(Array));
    await expect(
      checkAccessibility(person.page, 'harness-broken', {
        'image-alt': 'test',
        'button-name': 'test',
        'html-has-lang': 'test',
      }),
    ).rejects.toThrow('no longer violated, remove from its known issues: html-has-lang');
    // The image's 404 is a console error, shown for context only; axe itself caused no violation.
    const problems = await person.takeProblems();
    expect(problems.csp).toEqual([]);
  });
});
