import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/config.schema.js';
import { seedDemoIfEmpty, type DemoAccount } from '../../src/seed/demo-seed.js';
import {
  definedBy,
  placeholderPattern,
  placeholdersIn,
  tourLines,
  type ShellWord,
  type TourLine,
} from './readme-tour.js';
import { startTestApp, type TestApp } from './test-app.js';
import { totpAt } from './world.js';

export const README = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
export const TOUR = tourLines(README);
/** What the newcomer chooses as every demo person's device passphrase. */
export const TOUR_PASSPHRASE = 'a long device passphrase';

export interface CommandResult {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs one `strongroom` command line of the tour: its words after `npx strongroom`, and the environment
 * standing for the newcomer's answers to prompts (password, authenticator code, passphrase).
 */
export type RunCommand = (argv: string[], env: Record<string, string>) => Promise<CommandResult>;

/**
 * The README tour against a fresh server seeded with the real demo seed, from one fresh CLI home, the
 * way a newcomer types it in one terminal; how a command runs (in this process, or the installed
 * package in a child process) is the caller's. Passwords and authenticator codes are the seeded ones,
 * given as the person would answer the prompts (STRONGROOM_PASSWORD, STRONGROOM_TOTP for whoever last
 * ran `login`), the device passphrase likewise.
 */
export class TourDriver {
  t!: TestApp;
  strongroomHome = '';
  /** The newcomer's home directory, for `~` in the tour (an export folder, say). */
  userHome = '';
  accounts: DemoAccount[] = [];
  signedIn: DemoAccount | null = null;
  readonly values = new Map<string, string>();
  private failedAt: TourLine | null = null;
  private dirs: string[] = [];

  constructor(private readonly run: RunCommand) {}

  /** `env`: the server's settings beyond the test defaults. */
  async start(env: Record<string, string> = {}): Promise<void> {
    const dataDir = await this.tempDir('sr-tour-data-');
    this.strongroomHome = await this.tempDir('sr-tour-strongroom-');
    this.userHome = await this.tempDir('sr-tour-home-');
    this.t = await startTestApp({ env });
    const seeded = await seedDemoIfEmpty(
      this.t.app,
      loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir }),
    );
    if (!seeded) throw new Error('The demo seed did not run on a fresh database.');
    this.accounts = seeded;
  }

  async stop(): Promise<void> {
    await this.t?.close();
    for (const d of this.dirs) await rm(d, { recursive: true, force: true });
    this.dirs = [];
  }

  async tempDir(prefix: string): Promise<string> {
    const d = await mkdtemp(path.join(os.tmpdir(), prefix));
    this.dirs.push(d);
    return d;
  }

  /** One line of the tour; after a failure, the rest say which line failed first instead of running. */
  async step(l: TourLine): Promise<void> {
    if (this.failedAt) throw new Error(`Not run: README line ${this.failedAt.line} failed first.`);
    try {
      await this.runLine(l);
    } catch (err) {
      this.failedAt = l;
      throw err;
    }
  }

  /** The environment of the next command: where the server and the CLI's home are, and the answers. */
  async env(): Promise<Record<string, string>> {
    const env: Record<string, string> = {
      STRONGROOM_HOME: this.strongroomHome,
      STRONGROOM_URL: this.t.baseUrl,
      STRONGROOM_KDF: 'interactive',
      STRONGROOM_PASSPHRASE: TOUR_PASSPHRASE,
    };
    if (this.signedIn) {
      env.STRONGROOM_PASSWORD = this.signedIn.password;
      if (this.signedIn.totpSecret) {
        this.t.clock.advance(30_000); // a code works once: the next one comes from the next time step
        env.STRONGROOM_TOTP = await totpAt(this.signedIn.totpSecret, this.t);
      }
    }
    return env;
  }

  private async runLine(l: TourLine): Promise<void> {
    const [first, ...rest] = l.words.map((w) => w.text);
    if (first === 'export') {
      // Only where the server is: the test's own server stands in for http://127.0.0.1:3000.
      if (rest.length !== 1 || !/^STRONGROOM_URL=http:\/\/127\.0\.0\.1:3000$/.test(rest[0]))
        throw new Error(`README line ${l.line}: the tour exports only STRONGROOM_URL=http://127.0.0.1:3000.`);
      return;
    }
    if (first !== 'npx' || rest[0] !== 'strongroom') throw new Error(`Not a strongroom command: ${l.source}`);
    const argv: string[] = [];
    for (const w of l.words.slice(2)) argv.push(...(await this.expand(w)));

    const email = argv[0] === 'login' ? argv[argv.indexOf('--email') + 1] : undefined;
    if (email !== undefined) {
      const account = this.accounts.find((a) => a.email === email);
      if (!account) throw new Error(`${email} is not a demo account (see src/seed/demo-seed.ts).`);
      this.signedIn = account;
    }
    const r = await this.run(argv, await this.env());
    if (r.code !== 0) {
      throw new Error(`README line ${l.line} exited ${r.code}:\n${l.source}\n--- stderr\n${r.err}--- stdout\n${r.out}`);
    }
    for (const name of definedBy(l)) {
      const found = placeholderPattern(name).exec(r.out);
      if (!found) throw new Error(`README line ${l.line} says it prints ${name}, but its output has none:\n${r.out}`);
      this.values.set(name, found[0]);
    }
  }

  /** A word as the shell hands it to the command: placeholders filled in, `~` and `*` expanded. */
  private async expand(w: ShellWord): Promise<string[]> {
    let text = w.text;
    for (const name of placeholdersIn(text)) {
      const value = this.values.get(name);
      if (value === undefined) throw new Error(`${name} is used before a command's comment says it prints it.`);
      text = text.replace(name, value);
    }
    if (w.tilde) text = this.userHome + text.slice(1);
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
}
