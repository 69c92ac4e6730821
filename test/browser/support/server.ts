import { access } from 'node:fs/promises';
import path from 'node:path';
import { startTestApp, type FakeClock, type TestApp } from '../../support/test-app.js';
import { World } from '../../support/world.js';

/** The server setting that names the built web client's folder, served at `/` (src/web/web-client.ts). */
export const WEB_DIR_SETTING = 'WEB_DIR';

/** Names the built web client's folder for every browser test that does not pass its own `webDir`. */
export const WEB_DIR_ENV = 'STRONGROOM_WEB_DIR';

/** The built web client for this run: STRONGROOM_WEB_DIR, or the build global setup made (dist/web). */
export const webDirForRun = (): string =>
  process.env[WEB_DIR_ENV] || path.join(__dirname, '..', '..', '..', 'dist', 'web');

export interface BrowserServerOptions {
  /**
   * The built web client's folder (the one holding its `index.html`) for the server to serve; null for
   * none (the server then shows its landing page). Defaults to `webDirForRun()`.
   */
  webDir?: string | null;
  /** More server settings, as `startTestApp` takes them. */
  env?: Record<string, string>;
  clock?: FakeClock;
}

/** A real Strongroom server for one browser test file, and what the test needs to drive it. */
export interface BrowserServer extends TestApp {
  /** Makes agencies and people through the real services, as the integration tests do. */
  world: World;
  /** The web client's folder the server was given, or null. */
  webDir: string | null;
  /** An absolute URL on this server, for `page.goto` (`server.url('/api/docs')`). */
  url(pathname?: string): string;
}

/**
 * Starts the whole server in this test file's process, on a free port of 127.0.0.1, against a fresh
 * database of its own on the run's test PostgreSQL (test/support/test-app.ts): the pages come from the
 * real Express stack with its real headers. Close it in `afterAll`.
 */
export async function startBrowserServer(opts: BrowserServerOptions = {}): Promise<BrowserServer> {
  const webDir = opts.webDir === undefined ? webDirForRun() : opts.webDir;
  if (webDir) {
    // A wrong folder would otherwise show up as a baffling "page not found" in some test's screenshot.
    await access(path.join(webDir, 'index.html')).catch(() => {
      throw new Error(`The web client's folder ${webDir} has no index.html: build the web client first.`);
    });
  }
  const t = await startTestApp({
    env: { ...(webDir ? { [WEB_DIR_SETTING]: path.resolve(webDir) } : {}), ...opts.env },
    clock: opts.clock,
  });
  // The pages run on the browser's real clock (they sign the time they write at, and readers flag a
  // message stored minutes after it): unless a test brings its own clock, the server's follows real time.
  let ticking: ReturnType<typeof setInterval> | undefined;
  if (!opts.clock) {
    let last = Date.now();
    ticking = setInterval(() => {
      const now = Date.now();
      t.clock.advance(now - last);
      last = now;
    }, 250);
  }
  return {
    ...t,
    close: async () => {
      clearInterval(ticking);
      await t.close();
    },
    world: new World(t),
    webDir,
    url: (pathname = '/') => new URL(pathname, t.baseUrl).href,
  };
}
