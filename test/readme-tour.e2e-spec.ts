import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../client/cli/cli.js';
import { runEditor } from '../client/cli/editor.js';
import type { CliIO } from '../client/cli/io.js';
import { loadConfig } from '../src/config/config.schema.js';
import { seedDemoIfEmpty, type DemoAccount } from '../src/seed/demo-seed.js';
import {
  definedBy,
  placeholderPattern,
  placeholdersIn,
  TOUR_MARKER,
  tourLines,
  type ShellWord,
  type TourLine,
} from './support/readme-tour.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { totpAt } from './support/world.js';

const README = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const TOUR = tourLines(README);
/** What the newcomer chooses as every demo person's device passphrase. */
const PASSPHRASE = 'a long device passphrase';

/**
 * The README's tour, run as written: every command line of its `<!-- tour -->` blocks, in order, against
 * a fresh server seeded with the real demo seed, from one fresh CLI home, the way a newcomer would type
 * them in one terminal. Passwords and authenticator codes are the seeded ones, given as the person would
 * answer the prompts (STRONGROOM_PASSWORD, STRONGROOM_TOTP for whoever last ran `login`), the device
 * passphrase likewise; the declaration `attest` asks for is answered "yes", and "y" where a command asks
 * before a step that cannot be taken back; a command that follows live
 * gets its Ctrl+C once it says it is following. Each step must exit 0.
 */
describe('the README tour, run command by command against the seeded demo', () => {
  let t: TestApp;
  let dirs: string[] = [];
  let strongroomHome = '';
  /** The newcomer's home directory, for `~` in the tour (an export folder, say). */
  let userHome = '';
  let accounts: DemoAccount[] = [];
  let signedIn: DemoAccount | null = null;
  const values = new Map<string, string>();
  let failedAt: TourLine | null = null;

  beforeAll(async () => {
    const dataDir = await tempDir('sr-tour-data-');
    strongroomHome = await tempDir('sr-tour-strongroom-');
    userHome = await tempDir('sr-tour-home-');
    t = await startTestApp();
    const seeded = await seedDemoIfEmpty(
      t.app,
      loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir }),
    );
    if (!seeded) throw new Error('The demo seed did not run on a fresh database.');
    accounts = seeded;
  });
  afterAll(async () => {
    await t?.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
    dirs = [];
  });

  async function tempDir(prefix: string): Promise<string> {
    const d = await mkdtemp(path.join(os.tmpdir(), prefix));
    dirs.push(d);
    return d;
  }

  it('finds the tour: every `npx strongroom` line of the README is in a marked block', () => {
    const all = README.split('\n').filter((l) => /^\s*npx strongroom\b/.test(l));
    const marked = TOUR.map((l) => l.source.split('\n')[0]);
    expect(all.filter((l) => !marked.includes(l))).toEqual([]);
    expect(README).toContain(TOUR_MARKER);
    expect(TOUR.length).toBeGreaterThan(30);
  });

  it.each(TOUR.map((l) => [`README line ${l.line}: ${l.command}`, l] as const))('%s', async (_title, l) => {
    if (failedAt) throw new Error(`Not run: README line ${failedAt.line} failed first.`);
    try {
      await step(l);
    } catch (err) {
      failedAt = l;
      throw err;
    }
  });

  async function step(l: TourLine): Promise<void> {
    const [first, ...rest] = l.words.map((w) => w.text);
    if (first === 'export') {
      // Only where the server is: the test's own server stands in for http://127.0.0.1:3000.
      expect(rest).toHaveLength(1);
      expect(rest[0]).toMatch(/^STRONGROOM_URL=http:\/\/127\.0\.0\.1:3000$/);
      return;
    }
    if (first !== 'npx' || rest[0] !== 'strongroom') throw new Error(`Not a strongroom command: ${l.source}`);
    const argv: string[] = [];
    for (const w of l.words.slice(2)) argv.push(...(await expand(w)));

    const email = argv[0] === 'login' ? argv[argv.indexOf('--email') + 1] : undefined;
    if (email !== undefined) {
      const account = accounts.find((a) => a.email === email);
      if (!account) throw new Error(`${email} is not a demo account (see src/seed/demo-seed.ts).`);
      signedIn = account;
    }
    const r = await run(argv);
    if (r.code !== 0) {
      throw new Error(`README line ${l.line} exited ${r.code}:\n${l.source}\n--- stderr\n${r.err}--- stdout\n${r.out}`);
    }
    for (const name of definedBy(l)) {
      const found = placeholderPattern(name).exec(r.out);
      if (!found) throw new Error(`README line ${l.line} says it prints ${name}, but its output has none:\n${r.out}`);
      values.set(name, found[0]);
    }
  }

  /** A word as the shell hands it to the command: placeholders filled in, `~` and `*` expanded. */
  async function expand(w: ShellWord): Promise<string[]> {
    let text = w.text;
    for (const name of placeholdersIn(text)) {
      const value = values.get(name);
      if (value === undefined) throw new Error(`${name} is used before a command's comment says it prints it.`);
      text = text.replace(name, value);
    }
    if (w.tilde) text = userHome + text.slice(1);
    if (!w.glob) return [text];
    // A `*` in the file name only, as the tour uses it; no match is an error, as it would be for the CLI.
    const dir = path.dirname(text);
    const pattern = new RegExp(
      `^${path
        .basename(text)
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    const matches = (await readdir(dir).catch(() => [])).filter((f) => pattern.test(f)).sort();
    if (!matches.length) throw new Error(`Nothing matches ${text}.`);
    return matches.map((f) => path.join(dir, f));
  }

  /** One command in-process, with the newcomer's answers to its questions and a Ctrl+C for `tail`. */
  async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    let pressCtrlC: () => void = () => undefined;
    const ctrlC = new Promise<void>((resolve) => (pressCtrlC = resolve));
    const env: Record<string, string> = {
      STRONGROOM_HOME: strongroomHome,
      STRONGROOM_URL: t.baseUrl,
      STRONGROOM_KDF: 'interactive',
      STRONGROOM_PASSPHRASE: PASSPHRASE,
    };
    if (signedIn) {
      env.STRONGROOM_PASSWORD = signedIn.password;
      if (signedIn.totpSecret) {
        t.clock.advance(30_000); // a code works once: the next one comes from the next time step
        env.STRONGROOM_TOTP = await totpAt(signedIn.totpSecret, t);
      }
    }
    const io: CliIO = {
      env,
      out: (s) => void (out += s),
      err: (s) => {
        err += s;
        if (s.includes('Ctrl+C')) pressCtrlC();
      },
      ask: (question) => {
        err += question;
        // As the newcomer answers: "yes" to the declaration, "y" to a step that cannot be taken back.
        if (/Type "yes"/.test(question)) return Promise.resolve('yes');
        return Promise.resolve(/Continue\? \[y\/N\]/.test(question) ? 'y' : null);
      },
      readStdin: () => Promise.resolve(''),
      interrupted: () => ctrlC,
      terminal: false,
      edit: (command, file) => runEditor(command, file, ['ignore', 'inherit', 'inherit']),
    };
    const code = await runCli(argv, io);
    return { code, out, err };
  }
});
