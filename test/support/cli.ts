import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../client/cli/cli.js';
import { runEditor } from '../../client/cli/editor.js';
import type { CliIO } from '../../client/cli/io.js';
import type { Role } from '../../contracts/identity.js';
import type { TestApp } from './test-app.js';
import { totpAt, type World } from './world.js';

export interface Result {
  code: number;
  out: string;
  err: string;
}

/**
 * The `strongroom` command run in-process against the real server: real HTTP, real files in a
 * throw-away STRONGROOM_HOME. `answers` are what a person would type at prompts; without them there is
 * no terminal, as in a script.
 */
export async function cli(
  home: string,
  t: TestApp,
  argv: string[],
  env: Record<string, string> = {},
  answers?: string[],
) {
  let out = '';
  let err = '';
  const queue = answers ? [...answers] : null;
  const io: CliIO = {
    // Key stores at libsodium's interactive limits: the suite makes hundreds, and MODERATE costs about a
    // second each time one is opened. A test that needs the default passes STRONGROOM_KDF: ''.
    env: { STRONGROOM_HOME: home, STRONGROOM_URL: t.baseUrl, STRONGROOM_KDF: 'interactive', ...env },
    out: (s) => void (out += s),
    err: (s) => void (err += s),
    ask: (q) => {
      err += q;
      return Promise.resolve(queue ? (queue.shift() ?? '') : null);
    },
    readStdin: () => Promise.resolve(env.STDIN ?? ''),
    interrupted: () => new Promise(() => undefined),
    // No terminal, as in a script; an editor named in EDITOR still runs (a script standing in for a person).
    terminal: false,
    edit: (command, file) => runEditor(command, file, ['ignore', 'inherit', 'inherit']),
  };
  const code = await runCli(argv, io);
  return { code, out, err } satisfies Result;
}

export const json = <T>(r: Result): T => JSON.parse(r.out) as T;

export const CLI_PASSPHRASE = 'a long device passphrase';

export interface CliAccount {
  email: string;
  password: string;
  id: string;
  home: string;
}

/**
 * A practitioner set up as they would be: signed in, attested, with device keys made on "their
 * computer" (a fresh STRONGROOM_HOME, added to `homes` for the caller to remove).
 */
export async function cliPerson(
  t: TestApp,
  w: World,
  agencyId: string,
  prefix: string,
  homes: string[],
  role: Role = 'practitioner',
): Promise<CliAccount> {
  const acct = await w.account(agencyId, role, prefix);
  const home = await mkdtemp(path.join(os.tmpdir(), `sr-${prefix}-`));
  homes.push(home);
  const steps: [string[], Record<string, string>][] = [
    [['login', '--email', acct.email], { STRONGROOM_PASSWORD: acct.password }],
    [['attest', '--yes'], {}],
    [['device', 'init', '--label', `${prefix} laptop`], { STRONGROOM_PASSPHRASE: CLI_PASSPHRASE }],
  ];
  for (const [argv, env] of steps) {
    const r = await cli(home, t, argv, env);
    if (r.code !== 0) throw new Error(`${argv.join(' ')} exited ${r.code}: ${r.err}`);
  }
  return { email: acct.email, password: acct.password, id: acct.id, home };
}

/** Runs a command as that person, with their device passphrase in the environment as a script would. */
export const cliAs = (t: TestApp, p: CliAccount, argv: string[], env: Record<string, string> = {}) =>
  cli(p.home, t, argv, { STRONGROOM_PASSPHRASE: CLI_PASSPHRASE, ...env });

/**
 * An agency admin set up on their computer: their role needs two-factor sign-in, so it is enrolled first
 * (`World.signIn`), then login with a fresh code, attest and device keys as `cliPerson`.
 */
export async function cliAgencyAdmin(
  t: TestApp,
  w: World,
  agencyId: string,
  prefix: string,
  homes: string[],
): Promise<CliAccount> {
  const acct = await w.account(agencyId, 'agency_admin', prefix);
  const { totpSecret } = await w.signIn(acct);
  const home = await mkdtemp(path.join(os.tmpdir(), `sr-${prefix}-`));
  homes.push(home);
  t.clock.advance(30_000); // each code works once: a fresh time step
  const steps: [string[], Record<string, string>][] = [
    [
      ['login', '--email', acct.email],
      { STRONGROOM_PASSWORD: acct.password, STRONGROOM_TOTP: await totpAt(totpSecret!, t) },
    ],
    [['attest', '--yes'], {}],
    [['device', 'init', '--label', `${prefix} laptop`], { STRONGROOM_PASSPHRASE: CLI_PASSPHRASE }],
  ];
  for (const [argv, env] of steps) {
    const r = await cli(home, t, argv, env);
    if (r.code !== 0) throw new Error(`${argv.join(' ')} exited ${r.code}: ${r.err}`);
  }
  return { email: acct.email, password: acct.password, id: acct.id, home };
}
