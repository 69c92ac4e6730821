import { spawn, execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { API_VERSION } from '../contracts/api-version.js';
import { README, TOUR, TourDriver, type CommandResult } from './support/tour-driver.js';

const CLI_DIR = path.join(__dirname, '..', 'dist', 'cli');
const NODE_BIN = path.dirname(process.execPath);

/**
 * The command line as a practitioner gets it: the package `npm run build:cli` made (the test run's global
 * setup builds it), installed with the landing page's own command from the server's `/downloads/` into an
 * empty folder, far from this repository, then the README's whole tour run with that installed
 * `strongroom` in child processes (no TypeScript, no node_modules of this checkout on the way). Where a
 * command asks a question, a child process has no terminal to answer on: it must refuse, saying to pass
 * `--yes`, and is then run again with `--yes`, as a script would. Then the unlock agent from the package:
 * unlocked once, commands run with no passphrase given, and `lock` ends it.
 */
describe('the installed command-line package (npm install -g <server>/downloads/strongroom-cli.tgz)', () => {
  let prefix = '';
  let bin = '';
  let workDir = '';
  const tour = new TourDriver(run);

  beforeAll(async () => {
    await tour.start({ CLI_PACKAGE_DIR: CLI_DIR });
    prefix = await tour.tempDir('sr-cli-install-');
    workDir = await tour.tempDir('sr-cli-cwd-');
  }, 120_000);
  afterAll(async () => {
    await lock().catch(() => undefined);
    await tour.stop();
  });

  it('is offered at /downloads/strongroom-cli.tgz, and the landing page gives the command to install it', async () => {
    const res = await fetch(`${tour.t.baseUrl}/downloads/strongroom-cli.tgz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b])); // gzip
    expect(bytes.equals(readFileSync(path.join(CLI_DIR, 'strongroom-cli.tgz')))).toBe(true);

    const page = await (await fetch(`${tour.t.baseUrl}/`)).text();
    expect(page).toContain(`<code>npm install -g ${tour.t.baseUrl}/downloads/strongroom-cli.tgz</code>`);
  });

  it('the landing page escapes the address it was asked at (the Host header is the caller’s to write)', async () => {
    const http = await import('node:http');
    const hostile = await new Promise<string>((resolve, reject) => {
      const { port } = new URL(tour.t.baseUrl);
      http
        .get({ host: '127.0.0.1', port, path: '/', headers: { host: '"><script>alert(1)</script>' } }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString('utf8')));
          res.on('end', () => resolve(body));
        })
        .on('error', reject);
    });
    expect(hostile).toContain('npm install -g');
    expect(hostile).not.toContain('<script>');
    expect(hostile).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('installs with that command into an empty folder, with no other package to fetch', async () => {
    const { stdout } = await promisify(execFile)(
      'npm',
      [
        'install',
        '-g',
        '--prefix',
        prefix,
        '--no-audit',
        '--no-fund',
        `${tour.t.baseUrl}/downloads/strongroom-cli.tgz`,
      ],
      { cwd: workDir, env: { PATH: `${NODE_BIN}:/usr/bin:/bin`, HOME: tour.userHome, npm_config_offline: 'false' } },
    );
    expect(stdout).toMatch(/added 1 package/);
    bin = path.join(prefix, 'bin', 'strongroom');
    expect(existsSync(bin)).toBe(true);
    expect(existsSync(path.join(prefix, 'lib', 'node_modules', 'strongroom-cli', 'node_modules'))).toBe(false);
    const version = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect((await run(['--version'], {})).out.trim()).toBe(`${version.version} (API version ${API_VERSION})`);
  }, 120_000);

  it('runs the README tour', async () => {
    expect(bin).not.toBe('');
    expect(TOUR.length).toBeGreaterThan(30);
    expect(README).toContain('npx strongroom');
    for (const l of TOUR) await tour.step(l);
  }, 600_000);

  it('unlocks once from the package: commands then run with no passphrase, until lock', async () => {
    expect(bin).not.toBe('');
    const env = await tour.env();
    const unlocked = await run(['unlock', '--for', '10m'], env);
    expect(unlocked).toMatchObject({ code: 0 });
    const { STRONGROOM_PASSPHRASE: _passphrase, ...withoutPassphrase } = env;
    const status = await run(['unlock', '--status'], withoutPassphrase);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/unlocked/i);
    const list = await run(['channels', 'list'], withoutPassphrase);
    expect(list.code).toBe(0);
    const read = await run(['read', 'North locality', '--limit', '1'], withoutPassphrase);
    expect(read.err).not.toMatch(/passphrase/i);
    expect(read.code).toBe(0);
    expect(read.out.trim()).not.toBe('');

    expect((await lock()).code).toBe(0);
    const after = await run(['read', 'North locality', '--limit', '1'], withoutPassphrase);
    expect(after.code).not.toBe(0);
    expect(after.err).toMatch(/passphrase/i);
  }, 120_000);

  const lock = () => run(['lock'], { STRONGROOM_HOME: tour.strongroomHome, STRONGROOM_URL: tour.t.baseUrl });

  /**
   * The installed `strongroom` in a child process, in an empty folder with only Node on its PATH. A
   * question it cannot ask (no terminal) must be refused with the `--yes` advice; then it runs with
   * `--yes`. A command that follows live gets its Ctrl+C (SIGINT) once it says it is following.
   */
  async function run(argv: string[], env: Record<string, string>): Promise<CommandResult> {
    const first = await spawnCli(argv, env);
    if (first.code === 2 && /--yes/.test(first.err) && !argv.includes('--yes'))
      return spawnCli([...argv, '--yes'], env);
    return first;
  }

  function spawnCli(argv: string[], env: Record<string, string>): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(bin, argv, {
        cwd: workDir,
        env: { PATH: `${NODE_BIN}:/usr/bin:/bin`, HOME: tour.userHome, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => {
        err += c.toString('utf8');
        if (err.includes('Ctrl+C')) child.kill('SIGINT');
      });
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), out, err }));
    });
  }
});
