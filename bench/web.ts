/**
 * Part 6 of `npm run bench`: the web client's first load, beside a bare Vite + Preact page built and
 * served the same way (brotli, one origin) as the reference: bytes over the wire for the app shell, and
 * the time from navigation until a person can type (the sign-in form's first field, or the bare page's
 * heading), median of several cold loads in Debian's Chromium. Skipped, saying so, without Chromium.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const LOADS = 7;

export interface WebLoadResult {
  app: PageLoad;
  bare: PageLoad;
  /** The app's bytes and time to interactive over the bare page's. */
  bytesRatio: number;
  interactiveRatio: number;
}

interface PageLoad {
  /** The page and the files it loads at first, brotli-compressed as served. */
  shellBytesCompressed: number;
  shellBytesUncompressed: number;
  interactiveMedianMs: number;
  interactiveP90Ms: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))];

const br = (bytes: Buffer) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

/** The shell's size: index.html and every script and stylesheet it names, as served (brotli). */
async function shellSize(dir: string): Promise<{ compressed: number; uncompressed: number }> {
  const page = await readFile(path.join(dir, 'index.html'));
  let compressed = br(page);
  let uncompressed = page.length;
  for (const [, file] of page.toString('utf8').matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)) {
    const body = await readFile(path.join(dir, file));
    uncompressed += body.length;
    compressed += existsSync(path.join(dir, `${file}.br`))
      ? (await readFile(path.join(dir, `${file}.br`))).length
      : br(body);
  }
  return { compressed, uncompressed };
}

/** The reference: Preact rendering one heading, built by the same Vite with the same settings. */
async function buildBarePage(): Promise<{ dir: string; cleanUp: () => Promise<void> }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'sr-bench-bare-'));
  await writeFile(
    path.join(root, 'index.html'),
    '<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Bare</title></head>' +
      '<body><div id="app"></div><script type="module" src="/main.tsx"></script></body></html>',
  );
  await writeFile(
    path.join(root, 'main.tsx'),
    "import { render } from 'preact';\nrender(<h1>Hello</h1>, document.getElementById('app')!);\n",
  );
  const { build } = await import('vite');
  const out = path.join(root, 'dist');
  await build({
    root,
    logLevel: 'silent',
    configFile: false,
    resolve: { alias: { preact: path.join(process.cwd(), 'node_modules', 'preact') } },
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    build: { outDir: out, target: 'es2022', modulePreload: { polyfill: false } },
  });
  return { dir: out, cleanUp: () => rm(root, { recursive: true, force: true }) };
}

/** Serves a built folder as the Strongroom server does its build: brotli when asked, by type. */
function serveStatic(dir: string): Promise<{ url: string; server: Server }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const server = createServer((req, res) => {
    void (async () => {
      const name = req.url === '/' ? 'index.html' : (req.url ?? '').slice(1).split('?')[0];
      const file = path.join(dir, name);
      if (!file.startsWith(dir) || !existsSync(file)) return void res.writeHead(404).end();
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': types[path.extname(file)] ?? 'application/octet-stream',
        'content-encoding': 'br',
      });
      res.end(brotliCompressSync(body));
    })();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server }),
    ),
  );
}

/** Cold loads (a fresh context each: no cache) until `selector` is visible, in ms from navigation start. */
async function timeToInteractive(url: string, selector: string): Promise<number[]> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const times: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(url, { waitUntil: 'commit' });
      await page.locator(selector).first().waitFor({ state: 'visible', timeout: 60_000 });
      times.push(await page.evaluate(() => performance.now()));
      await context.close();
    }
    return times.slice(1); // the first load also warms the server's and the OS's caches
  } finally {
    await browser.close();
  }
}

/**
 * Builds the web client into `dist/web`. Before the server starts: it serves the web client only if it
 * found one built when it started.
 */
export function buildWebClient(): void {
  execFileSync(process.execPath, [path.join(process.cwd(), 'client', 'web', 'build.mjs')], { stdio: 'ignore' });
}

export async function webFirstLoad(appUrl: string, log: (s: string) => void): Promise<WebLoadResult | null> {
  if (!existsSync(CHROMIUM)) {
    log(`[6/6] web first load: skipped, no Chromium at ${CHROMIUM} (apt-get install -y chromium)\n`);
    return null;
  }
  log(`[6/6] web first load: the app shell and a bare Vite + Preact page, ${LOADS - 1} cold loads each…\n`);
  const appDir = path.join(process.cwd(), 'dist', 'web');
  const bare = await buildBarePage();
  const served = await serveStatic(bare.dir);
  try {
    const appSize = await shellSize(appDir);
    const bareSize = await shellSize(bare.dir);
    const appTimes = await timeToInteractive(appUrl, 'input[type=email]');
    const bareTimes = await timeToInteractive(served.url, 'h1');
    const load = (size: typeof appSize, times: number[]): PageLoad => ({
      shellBytesCompressed: size.compressed,
      shellBytesUncompressed: size.uncompressed,
      interactiveMedianMs: Math.round(median(times)),
      interactiveP90Ms: Math.round(p90(times)),
    });
    const app = load(appSize, appTimes);
    const ref = load(bareSize, bareTimes);
    return {
      app,
      bare: ref,
      bytesRatio: Math.round((app.shellBytesCompressed / ref.shellBytesCompressed) * 10) / 10,
      interactiveRatio: Math.round((app.interactiveMedianMs / ref.interactiveMedianMs) * 100) / 100,
    };
  } finally {
    served.server.close();
    await bare.cleanUp();
  }
}
