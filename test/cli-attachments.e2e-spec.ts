import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cliAs, cliPerson, json, type CliAccount } from './support/cli.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World } from './support/world.js';

interface Attached {
  seq: number;
  attachmentId: string;
  name: string;
  size: number;
}

describe('the strongroom CLI: attach and download encrypted files', () => {
  let t: TestApp;
  let w: World;
  const homes: string[] = [];
  let alice: CliAccount;
  let bob: CliAccount;
  let channel: string;
  let work: string;

  const as = (p: CliAccount, argv: string[]) => cliAs(t, p, argv);

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    const police = await w.agency('Police', { sector: 'police' });
    alice = await cliPerson(t, w, council, 'alice', homes);
    bob = await cliPerson(t, w, police, 'bob', homes);
    const created = await as(alice, [
      '--json',
      'channels',
      'create',
      '--kind',
      'locality_meeting',
      '--member',
      bob.email,
    ]);
    channel = json<{ id: string }>(created).id;
    work = await mkdtemp(path.join(os.tmpdir(), 'sr-files-'));
    homes.push(work);
  });
  afterAll(async () => {
    await t.close();
    for (const h of homes) await rm(h, { recursive: true, force: true });
  });

  it('attach sends a file with a caption and shows progress; read shows it as a file; download saves it, readable by the reader alone', async () => {
    const data = randomBytes(300 * 1024 + 7);
    const file = path.join(work, 'school report.pdf');
    await writeFile(file, data);

    const attached = await as(alice, ['attach', channel, file, '--caption', 'From the head teacher']);
    expect(attached.code).toBe(0);
    expect(attached.out).toMatch(/^Sent school report\.pdf \(307 kB\) as #\d+; kept until /);
    expect(attached.err).toContain('Uploading school report.pdf: 100% (307 kB of 307 kB)');
    const seq = Number(/as #(\d+)/.exec(attached.out)![1]);

    const read = await as(bob, ['read', channel]);
    expect(read.out).toContain(`#${seq}`);
    expect(read.out).toContain('alice person: [file] school report.pdf (307 kB) From the head teacher');

    const out = path.join(work, 'bob');
    await mkdir(out);
    const got = await as(bob, ['download', channel, `#${seq}`, '--out', out]);
    expect(got.code).toBe(0);
    expect(got.err).toContain('Downloading school report.pdf: 100%');
    const saved = path.join(out, 'school report.pdf');
    expect(got.out).toBe(`Saved school report.pdf (307 kB) to ${saved}.\n`);
    expect((await readFile(saved)).equals(data)).toBe(true);
    expect((await stat(saved)).mode & 0o777).toBe(0o600);
    expect((await readdir(out)).filter((f) => f.endsWith('.part'))).toEqual([]);

    // Again: refused without --force, and the file is left as it was.
    const again = await as(bob, ['download', channel, String(seq), '--out', saved]);
    expect(again.code).toBe(2);
    expect(again.err).toContain('already exists: choose another --out, or add --force to replace it.');
    await writeFile(saved, 'something else');
    const forced = await as(bob, ['--json', 'download', channel, String(seq), '--out', saved, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.err).toBe('');
    expect(json<{ path: string; size: number }>(forced)).toMatchObject({ path: saved, size: data.length });
    expect((await readFile(saved)).equals(data)).toBe(true);
  });

  it('download finds a file by its id too, and saves it into a folder under the sender’s name', async () => {
    const file = path.join(work, 'plain.txt');
    await writeFile(file, 'notes');
    const a = json<Attached>(await as(alice, ['--json', 'attach', channel, file]));
    const dir = await mkdtemp(path.join(work, 'by-id-'));
    const got = await as(bob, ['--json', 'download', channel, a.attachmentId, '--out', dir, '--quiet']);
    expect(got.code).toBe(0);
    expect(await readFile(path.join(dir, 'plain.txt'), 'utf8')).toBe('notes');
  });

  it('a file altered on the server is not saved, and download exits 6', async () => {
    const file = path.join(work, 'minutes.txt');
    await writeFile(file, randomBytes(100 * 1024));
    const a = json<Attached>(await as(alice, ['--json', 'attach', channel, file, '--quiet']));
    await t.sql(
      "UPDATE attachment_chunks SET bytes = overlay(bytes placing '\\x00'::bytea from 50) WHERE attachment_id = $1 AND idx = 1",
      [a.attachmentId],
    );
    const dir = await mkdtemp(path.join(work, 'altered-'));
    const got = await as(bob, ['download', channel, String(a.seq), '--out', dir, '--quiet']);
    expect(got.code).toBe(6);
    expect(got.err).toContain('The file could not be verified, so nothing was saved');
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses in plain words: no such file, a folder, a message that is not a file, and a file over the limit', async () => {
    const missing = await as(alice, ['attach', channel, path.join(work, 'nope.pdf')]);
    expect([missing.code, missing.err]).toEqual([2, `Error: There is no file at ${path.join(work, 'nope.pdf')}.\n`]);
    const folder = await as(alice, ['attach', channel, work]);
    expect([folder.code, folder.err]).toEqual([2, `Error: ${work} is a folder, not a file.\n`]);
    const text = await as(alice, ['--json', 'send', channel, 'just words']);
    const seq = json<{ seq: number }>(text).seq;
    const notFile = await as(bob, ['download', channel, String(seq)]);
    expect([notFile.code, notFile.err]).toEqual([2, `Error: #${seq} is not a file.\n`]);
    const big = path.join(work, 'big.bin');
    await writeFile(big, Buffer.alloc(25 * 1024 * 1024 + 1));
    const tooBig = await as(alice, ['attach', channel, big]);
    expect(tooBig.code).toBe(1);
    expect(tooBig.err).toBe('Error: This file is too large: files can be at most 25 MiB. (too_large, HTTP 413)\n');
  });
});
