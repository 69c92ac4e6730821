import { spawn } from 'node:child_process';
import { chmod, lstat, rm } from 'node:fs/promises';
import path from 'node:path';
import { agentPaths } from '../client/cli/agent/paths.js';
import { runCli } from '../client/cli/cli.js';
import { FileKeyStore } from '../client/sdk/node.js';
import { runEditor } from '../client/cli/editor.js';
import type { CliIO } from '../client/cli/io.js';
import { CLI_PASSPHRASE, cli, cliPerson, json, type CliAccount } from './support/cli.js';
import { eventually } from './support/eventually.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World } from './support/world.js';

const NOBODY = 65534;
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

describe('strongroom unlock: one passphrase, then an agent only this user can reach', () => {
  let t: TestApp;
  let w: World;
  const homes: string[] = [];
  let alice: CliAccount;
  let bob: CliAccount;
  let channelA: string;
  let channelB: string;

  /** A command with no passphrase in the environment and no terminal to ask on, as from a script. */
  const bare = (p: CliAccount, argv: string[], answers?: string[]) => cli(p.home, t, argv, {}, answers);
  const unlock = (p: CliAccount, argv: string[] = []) =>
    cli(p.home, t, ['unlock', ...argv], { STRONGROOM_PASSPHRASE: CLI_PASSPHRASE });
  const status = async (p: CliAccount) =>
    json<{ unlocked: boolean; until?: string; email?: string }>(await bare(p, ['--json', 'unlock', '--status']));

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    const police = await w.agency('Police', { sector: 'police' });
    alice = await cliPerson(t, w, council, 'alice', homes);
    bob = await cliPerson(t, w, police, 'bob', homes);
    const make = async (title: string) => {
      const r = await cli(
        alice.home,
        t,
        ['--json', 'channels', 'create', '--kind', 'locality_meeting', '--title', title, '--member', bob.email],
        { STRONGROOM_PASSPHRASE: CLI_PASSPHRASE },
      );
      expect(r.code).toBe(0);
      return json<{ id: string }>(r).id;
    };
    channelA = await make('North locality');
    channelB = await make('South locality');
  });
  afterAll(async () => {
    for (const p of [alice, bob]) if (p) await bare(p, ['lock']);
    await t.close();
    for (const h of homes) await rm(h, { recursive: true, force: true });
  });

  it('unlocks once: send, read and tail then run with no passphrase and no terminal, from a 0600 socket in a 0700 folder', async () => {
    expect((await bare(alice, ['send', channelA, 'before'])).err).toContain(
      'No terminal to ask on: run `strongroom unlock` in a terminal first, or set STRONGROOM_PASSPHRASE for a script.',
    );
    const unlocked = await unlock(alice, ['--for', '10m']);
    expect(unlocked.code).toBe(0);
    expect(unlocked.out).toContain(`Unlocked for ${alice.email} until`);
    expect(await status(alice)).toMatchObject({ unlocked: true, email: alice.email });

    const { dir, socket } = agentPaths({ STRONGROOM_HOME: alice.home });
    expect((await lstat(dir)).mode & 0o777).toBe(0o700);
    const sock = await lstat(socket);
    expect(sock.isSocket()).toBe(true);
    expect(sock.mode & 0o777).toBe(0o600);

    const sent = await bare(alice, ['send', channelA, 'Strategy meeting moved to 2pm']);
    expect(sent).toMatchObject({ code: 0, err: '' });
    const read = await bare(alice, ['read', channelA]);
    expect(read.code).toBe(0);
    expect(read.out).toContain('Strategy meeting moved to 2pm');
    const tail = await bare(alice, ['--json', 'tail', channelA, '--since', '0', '--exit-after', '1']);
    expect(tail.code).toBe(0);
    expect(tail.out).toContain('Strategy meeting moved to 2pm');
    // Nothing asked on the way: no prompt was written.
    expect(sent.err + read.err + tail.err).not.toContain('passphrase');

    // The agent serves only the person who unlocked it: Bob (another home, another agent) is still locked.
    expect((await status(bob)).unlocked).toBe(false);
    expect((await bare(bob, ['read', channelA])).code).toBe(2);
  });

  it('lock wipes the keys: the next command asks, and without a terminal refuses in plain words', async () => {
    await unlock(alice, ['--for', '10m']);
    const locked = await bare(alice, ['lock']);
    expect(locked.out).toContain('Locked: the keys are wiped from memory');
    expect((await status(alice)).unlocked).toBe(false);
    const refused = await bare(alice, ['read', channelA]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('No terminal to ask on: run `strongroom unlock` in a terminal first');
    const asked = await bare(alice, ['read', channelA], [CLI_PASSPHRASE]);
    expect(asked.code).toBe(0);
    expect(asked.err).toContain('Device passphrase: ');
    expect((await bare(alice, ['lock'])).out).toContain('Nothing was unlocked');
  });

  it('logout locks, and so does signing in as someone else', async () => {
    await unlock(alice, ['--for', '10m']);
    expect((await bare(alice, ['logout'])).code).toBe(0);
    expect((await status(alice)).unlocked).toBe(false);
    const login = (email: string, password: string) =>
      cli(alice.home, t, ['login', '--email', email], { STRONGROOM_PASSWORD: password });
    expect((await login(alice.email, alice.password)).code).toBe(0);

    await unlock(alice, ['--for', '10m']);
    expect((await login(alice.email, alice.password)).code).toBe(0);
    expect((await status(alice)).unlocked).toBe(true); // the same person again keeps them
    expect((await login(bob.email, bob.password)).code).toBe(0);
    expect((await status(alice)).unlocked).toBe(false);
    expect((await login(alice.email, alice.password)).code).toBe(0);
  });

  it('serves no keys once the key store file changed (a new passphrase or new keys): it says to unlock again', async () => {
    await unlock(alice, ['--for', '10m']);
    const store = new FileKeyStore(path.join(alice.home, 'keys'), { kdf: 'interactive' });
    await store.save(await store.load(alice.id, CLI_PASSPHRASE), 'a new passphrase here');
    const r = await bare(alice, ['read', channelA]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('The unlock agent holds keys this computer no longer uses: run `strongroom unlock` again.');
    await store.save(await store.load(alice.id, 'a new passphrase here'), CLI_PASSPHRASE);
    await bare(alice, ['lock']);
  });

  it('expires by itself after --for: the agent stops, its socket goes, and commands ask again', async () => {
    const r = await unlock(alice, ['--for', '2s']);
    expect(r.code).toBe(0);
    const { socket } = agentPaths({ STRONGROOM_HOME: alice.home });
    await eventually(async () => expect(await lstat(socket).catch(() => null)).toBeNull(), 20_000);
    expect((await status(alice)).unlocked).toBe(false);
    expect((await bare(alice, ['send', channelA, 'late'])).code).toBe(2);
  });

  it('an agent that was killed leaves no trap: its socket is cleared and commands ask again', async () => {
    await unlock(alice, ['--for', '10m']);
    const { pid } = json<{ pid: number }>(await bare(alice, ['--json', 'unlock', '--status']));
    process.kill(pid, 'SIGKILL');
    await eventually(() => expect(() => process.kill(pid, 0)).toThrow());
    const { socket } = agentPaths({ STRONGROOM_HOME: alice.home });
    expect((await lstat(socket)).isSocket()).toBe(true); // left behind: nobody wiped up after a kill -9
    expect((await bare(alice, ['read', channelA])).code).toBe(2);
    expect(await lstat(socket).catch(() => null)).toBeNull();
    expect((await unlock(alice, ['--for', '10m'])).code).toBe(0); // and unlocking works again
    expect((await bare(alice, ['read', channelA])).code).toBe(0);
    await bare(alice, ['lock']);
  });

  it('refuses an agent folder that others can open: the command does not use it, and the agent stops', async () => {
    await unlock(alice, ['--for', '10m']);
    const { dir, socket } = agentPaths({ STRONGROOM_HOME: alice.home });
    await chmod(dir, 0o755);
    const r = await bare(alice, ['read', channelA]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('other users can open it (it should be 0700)');
    await eventually(async () => expect(await lstat(socket).catch(() => null)).toBeNull(), 20_000);
    await chmod(dir, 0o700);
  });

  it('another OS user cannot connect to the socket (EACCES)', async () => {
    if (!asRoot) {
      console.warn('Skipped: only root can start a process as another user (nobody) to try the socket.');
      return;
    }
    await unlock(alice, ['--for', '10m']);
    const { socket } = agentPaths({ STRONGROOM_HOME: alice.home });
    // Others may pass through the home (as through many a home folder): only the agent's own folder and
    // socket keep them out.
    await chmod(alice.home, 0o711);
    const tryAs = (uid: number) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            '-e',
            `const c = require('net').connect(process.argv[1]);
             c.on('connect', () => { c.end('{"op":"status"}\\n'); c.on('data', (d) => process.stdout.write('ANSWER ' + d)); });
             c.on('error', (e) => process.stdout.write(e.code));`,
            socket,
          ],
          { uid, gid: uid, cwd: '/', stdio: ['ignore', 'pipe', 'inherit'] },
        );
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.on('error', reject);
        child.on('close', () => resolve(out));
      });
    expect(await tryAs(NOBODY)).toBe('EACCES');
    // The same script as this user does reach it: the refusal above is the permissions, not the script.
    expect(await tryAs(0)).toContain('ANSWER {"ok":true');
    await chmod(alice.home, 0o700);
    await bare(alice, ['lock']);
  });

  it('tail --all follows every channel: messages from two channels arrive, each labelled with its channel', async () => {
    expect((await unlock(bob, ['--for', '10m'])).code).toBe(0);
    let out = '';
    let err = '';
    let following!: () => void;
    const ready = new Promise<void>((r) => (following = r));
    const io: CliIO = {
      env: { STRONGROOM_HOME: bob.home, STRONGROOM_URL: t.baseUrl, STRONGROOM_KDF: 'interactive' },
      out: (s) => void (out += s),
      err: (s) => {
        err += s;
        if (err.includes('Following')) following();
      },
      ask: () => Promise.resolve(null),
      readStdin: () => Promise.resolve(''),
      interrupted: () => new Promise(() => undefined),
      terminal: false,
      edit: (command, file) => runEditor(command, file, ['ignore', 'inherit', 'inherit']),
    };
    const tail = runCli(['tail', '--all', '--exit-after', '2'], io);
    await Promise.race([ready, tail]);
    expect(err).toContain('Following your 2 channel(s)');
    const send = (id: string, text: string) =>
      cli(alice.home, t, ['send', id, text], { STRONGROOM_PASSPHRASE: CLI_PASSPHRASE });
    expect((await send(channelA, 'to the north')).code).toBe(0);
    expect((await send(channelB, 'to the south')).code).toBe(0);
    expect(await tail).toBe(0);
    expect(out).toMatch(/\[North locality\] #\d+ .*alice person: to the north/);
    expect(out).toMatch(/\[South locality\] #\d+ .*alice person: to the south/);
    expect(err).not.toContain('passphrase');
  });

  it('says how to call tail: one channel or --all', async () => {
    expect((await bare(bob, ['tail'])).err).toContain('Name the channel to follow, or follow them all with --all.');
    expect((await bare(bob, ['tail', channelA, '--all'])).err).toContain('not both');
  });

  it('takes --for as a time and refuses anything else', async () => {
    const bad = await unlock(bob, ['--for', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--for takes a time such as 30m, 8h');
    expect((await unlock(bob, ['--for', '8d'])).err).toContain('between 1 second and 7 days');
  });
});
