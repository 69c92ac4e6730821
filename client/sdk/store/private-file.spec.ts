import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileKeyStore } from './file-key-store.js';
import { FileTrustStore } from './file-trust-store.js';
import { writePrivateFile } from './private-file.js';

const modeOf = async (p: string) => (await stat(p)).mode & 0o777;

describe('private files: 0600 in 0700 directories on every write, not only on creation', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'sr-private-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('makes a missing file and its directories private', async () => {
    const file = path.join(root, 'home', 'keys', 'a.json');
    await writePrivateFile(file, 'one\n', path.join(root, 'home'));
    expect(await readFile(file, 'utf8')).toBe('one\n');
    expect([await modeOf(path.join(root, 'home')), await modeOf(path.join(root, 'home', 'keys'))]).toEqual([
      0o700, 0o700,
    ]);
    expect(await modeOf(file)).toBe(0o600);
  });

  it('sets back a file and directories that already existed with looser modes, and leaves no temporary file', async () => {
    const home = path.join(root, 'home');
    const dir = path.join(home, 'trust');
    const file = path.join(dir, 'pins.json');
    await mkdir(dir, { recursive: true });
    await writeFile(file, 'old\n');
    await chmod(file, 0o644);
    await chmod(dir, 0o755);
    await chmod(home, 0o755);

    await writePrivateFile(file, 'new\n', home);
    expect({ home: await modeOf(home), dir: await modeOf(dir), file: await modeOf(file) }).toEqual({
      home: 0o700,
      dir: 0o700,
      file: 0o600,
    });
    expect(await readFile(file, 'utf8')).toBe('new\n');
    expect(await readdir(dir)).toEqual(['pins.json']);
    // Nothing above the root is touched.
    expect(await modeOf(root)).toBe(0o700); // mkdtemp's own mode, unchanged
  });

  it('writes two saves at once without either failing', async () => {
    const file = path.join(root, 'f.json');
    await Promise.all(['a', 'b', 'c'].map((x) => writePrivateFile(file, x)));
    expect(['a', 'b', 'c']).toContain(await readFile(file, 'utf8'));
    expect(await readdir(root)).toEqual(['f.json']);
  });

  it('the key store and the trust store set their files and directories back to 0600 / 0700 when they save', async () => {
    const home = path.join(root, 'home');
    const keys = new FileKeyStore(path.join(home, 'keys'), { kdf: 'interactive', privateRoot: home });
    const userId = '0b8a9c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d';
    const device = { userId, deviceId: userId, keys: {} } as unknown as Parameters<FileKeyStore['save']>[0];
    await keys.save(device, 'a long passphrase');
    const trustFile = path.join(home, 'trust', `${userId}.json`);
    const trust = new FileTrustStore(trustFile, { privateRoot: home });
    const pin = { userId, x25519PublicKey: 'x', ed25519PublicKey: 'e', firstSeenAt: new Date(0).toISOString() };
    await trust.pin({ ...pin, deviceId: 'one' });

    const keyFile = path.join(home, 'keys', `${userId}.keystore.json`);
    for (const f of [keyFile, trustFile]) await chmod(f, 0o644);
    for (const d of [home, path.join(home, 'keys'), path.join(home, 'trust')]) await chmod(d, 0o755);

    await keys.save(device, 'a long passphrase');
    await trust.pin({ ...pin, deviceId: 'two' });
    expect({
      home: await modeOf(home),
      keysDir: await modeOf(path.join(home, 'keys')),
      keyFile: await modeOf(keyFile),
      trustDir: await modeOf(path.join(home, 'trust')),
      trustFile: await modeOf(trustFile),
    }).toEqual({ home: 0o700, keysDir: 0o700, keyFile: 0o600, trustDir: 0o700, trustFile: 0o600 });
    expect((await keys.load(userId, 'a long passphrase')).deviceId).toBe(userId);
  });
});
