import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CliContext, CliUsageError, type GlobalOptions } from './context.js';
import type { CliIO } from './io.js';
import { checkServerAddress, loadSavedServer } from './server-address.js';

describe('checkServerAddress', () => {
  it('takes https anywhere and plain http only to this computer', () => {
    expect(checkServerAddress('https://strongroom.example/', false)).toEqual({
      ok: true,
      url: 'https://strongroom.example',
    });
    expect(checkServerAddress('strongroom.example', false)).toEqual({ ok: true, url: 'https://strongroom.example' });
    for (const local of ['http://127.0.0.1:3000', 'http://localhost:3000', 'http://[::1]:3000']) {
      expect(checkServerAddress(local, false)).toMatchObject({ ok: true });
    }
  });

  it('refuses plain http to another computer unless told it is allowed', () => {
    const refused = checkServerAddress('http://strongroom.example', false);
    expect(refused).toMatchObject({ ok: false });
    expect(!refused.ok && refused.problem).toMatch(/plain http.*--insecure/);
    expect(checkServerAddress('http://strongroom.example', true)).toEqual({
      ok: true,
      url: 'http://strongroom.example',
    });
  });

  it('refuses what is not a server address, in plain words', () => {
    for (const bad of [
      '',
      'ftp://strongroom.example',
      'https://user:pw@strongroom.example',
      'https://s.example/?a=1',
    ]) {
      const checked = checkServerAddress(bad, true);
      expect(checked.ok).toBe(false);
    }
  });
});

/** Which server a command uses (CliContext.serverUrl), and what it remembers, in a fresh STRONGROOM_HOME. */
describe('the server address: given once, remembered, plain http refused unless --insecure', () => {
  let home = '';
  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'sr-server-address-'));
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  const io = (env: Record<string, string> = {}, answer: string | null = null): CliIO => ({
    env: { STRONGROOM_HOME: home, ...env },
    out: () => undefined,
    err: () => undefined,
    ask: () => Promise.resolve(answer),
    readStdin: () => Promise.resolve(''),
    interrupted: () => new Promise(() => undefined),
    terminal: false,
    edit: () => Promise.resolve(0),
  });
  const serverUrl = (opts: GlobalOptions, env?: Record<string, string>, answer?: string | null) =>
    new CliContext(io(env, answer), opts).serverUrl();
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CliUsageError);
    return err as CliUsageError;
  };

  it('with no address anywhere and no terminal to ask on, refuses and says how to give one', async () => {
    const err = await refusal(serverUrl({}));
    expect(err.code).toBe('server_unknown');
    expect(err.message).toMatch(/--server/);
    expect(await loadSavedServer({ STRONGROOM_HOME: home })).toBeNull();
  });

  it('asks once, remembers the answer in a private file, and then asks no more', async () => {
    expect(await serverUrl({}, {}, 'strongroom.your-council.example')).toBe('https://strongroom.your-council.example');
    expect(await loadSavedServer({ STRONGROOM_HOME: home })).toEqual({
      server: 'https://strongroom.your-council.example',
      insecure: false,
    });
    expect((await stat(path.join(home, 'server.json'))).mode & 0o777).toBe(0o600);
    expect(await serverUrl({}, {}, null)).toBe('https://strongroom.your-council.example');
  });

  it('refuses plain http to another computer from --server and from STRONGROOM_URL, remembering nothing', async () => {
    expect((await refusal(serverUrl({ server: 'http://10.1.2.3:3000' }))).code).toBe('insecure_server');
    expect((await refusal(serverUrl({}, { STRONGROOM_URL: 'http://strongroom.example' }))).code).toBe(
      'insecure_server',
    );
    expect(await loadSavedServer({ STRONGROOM_HOME: home })).toBeNull();
  });

  it('remembers --insecure with its address only: that server is not refused again, another one is', async () => {
    expect(await serverUrl({ server: 'http://10.1.2.3:3000', insecure: true })).toBe('http://10.1.2.3:3000');
    expect(await loadSavedServer({ STRONGROOM_HOME: home })).toEqual({
      server: 'http://10.1.2.3:3000',
      insecure: true,
    });
    expect(await serverUrl({})).toBe('http://10.1.2.3:3000');
    expect(await serverUrl({ server: 'http://10.1.2.3:3000' })).toBe('http://10.1.2.3:3000');
    expect((await refusal(serverUrl({ server: 'http://10.1.2.4:3000' }))).code).toBe('insecure_server');

    // Signing in to an https server afterwards forgets the allowance.
    await new CliContext(io(), {}).rememberServer('https://strongroom.example');
    expect(await loadSavedServer({ STRONGROOM_HOME: home })).toEqual({
      server: 'https://strongroom.example',
      insecure: false,
    });
    expect((await refusal(serverUrl({ server: 'http://10.1.2.3:3000' }))).code).toBe('insecure_server');
  });
});
