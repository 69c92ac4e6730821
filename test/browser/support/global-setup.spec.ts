import path from 'node:path';
import browserGlobalSetup, { CHROMIUM_ENV, findChromium } from './global-setup.js';

/**
 * The browser project's promise to `npm test`: without Chromium it skips with one notice saying how to
 * install it and passes; with STRONGROOM_REQUIRE_BROWSER=1 (CI) it fails the run instead.
 */
describe('browser tests without Chromium: skipped with a notice, or failed when CI requires them', () => {
  const saved = { ...process.env };
  let warn: jest.SpyInstance<void, Parameters<typeof console.warn>>;
  beforeEach(() => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    process.env[CHROMIUM_ENV] = 'left over from another run';
  });
  afterEach(() => {
    warn.mockRestore();
    process.env = { ...saved };
  });

  it('finds Chromium only at an executable path', () => {
    expect(findChromium({ CHROMIUM_PATH: process.execPath })).toBe(process.execPath);
    expect(findChromium({ CHROMIUM_PATH: path.join(__dirname, 'global-setup.ts') })).toBeNull(); // not executable
    expect(findChromium({ CHROMIUM_PATH: '/nonexistent/chromium' })).toBeNull();
  });

  it('skips with one notice naming the path and the install command, and tells the test files', async () => {
    delete process.env.STRONGROOM_REQUIRE_BROWSER;
    await browserGlobalSetup();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(
      /Browser tests SKIPPED: no Chromium at CHROMIUM_PATH \(\/nonexistent\/chromium\)\. Install Debian's with `apt-get install -y chromium`/,
    );
    expect(process.env[CHROMIUM_ENV]).toBeUndefined();
  });

  it('fails the run when STRONGROOM_REQUIRE_BROWSER=1', async () => {
    process.env.STRONGROOM_REQUIRE_BROWSER = '1';
    await expect(browserGlobalSetup()).rejects.toThrow(
      'Browser tests need Chromium and STRONGROOM_REQUIRE_BROWSER=1 is set, but there is none at CHROMIUM_PATH (/nonexistent/chromium)',
    );
    expect(warn).not.toHaveBeenCalled();
  });
});
