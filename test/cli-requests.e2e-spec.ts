import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FamilyView, InformationRequestView } from '../client/sdk/index.js';
import { cliAgencyAdmin, CLI_PASSPHRASE, cliAs, cliPerson, json, type CliAccount, type Result } from './support/cli.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World } from './support/world.js';

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'client/cli/bin/strongroom.mjs');

/**
 * `strongroom requests`, as people and scripts use it: a lead worker asks two agencies about a family by
 * its reference and the agencies by name; the police admin assigns an officer by e-mail, who answers;
 * health declines, and a reason too short is refused on the computer with a helpful message. `send`,
 * `provide` and `decline` run through the real `strongroom` binary, the rest in-process.
 */
describe('the strongroom CLI for information requests', () => {
  let t: TestApp;
  let w: World;
  const homes: string[] = [];
  let lead: CliAccount;
  let officer: CliAccount;
  let policeAdmin: CliAccount;
  let healthAdmin: CliAccount;
  let ref: string;

  const as = (p: CliAccount, argv: string[]) => cliAs(t, p, argv);
  /** The real binary, as a shell would run it: exit code, standard output and error. */
  const bin = (p: CliAccount, argv: string[]) =>
    new Promise<Result>((resolve) => {
      execFile(
        process.execPath,
        [BIN, ...argv],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            STRONGROOM_HOME: p.home,
            STRONGROOM_URL: t.baseUrl,
            STRONGROOM_KDF: 'interactive',
            STRONGROOM_PASSPHRASE: CLI_PASSPHRASE,
          },
        },
        (err, out, errOut) => resolve({ code: err ? Number(err.code ?? 1) : 0, out, err: errOut }),
      );
    });

  const cliAdmin = (agencyId: string, prefix: string) => cliAgencyAdmin(t, w, agencyId, prefix, homes);

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    const police = await w.agency('Northshire Police', { sector: 'police' });
    const health = await w.agency('Health Trust', { sector: 'health' });
    lead = await cliPerson(t, w, council, 'lead', homes);
    officer = await cliPerson(t, w, police, 'officer', homes);
    policeAdmin = await cliAdmin(police, 'police-admin');
    healthAdmin = await cliAdmin(health, 'health-admin');

    const family = json<FamilyView>(await as(lead, ['--json', 'families', 'create']));
    ref = family.ref;
    expect((await as(lead, ['families', 'add-member', ref, '--role', 'parent', '--name', 'Alex Example'])).code).toBe(
      0,
    );
    const consent = await as(lead, [
      'consent',
      'record',
      ref,
      'M1',
      '--form',
      'v3',
      '--agency',
      'Northshire Police',
      'Health Trust',
    ]);
    expect(consent.code).toBe(0);
  });
  afterAll(async () => {
    await t.close();
    for (const h of homes) await rm(h, { recursive: true, force: true });
  });

  const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);

  it('asks the police by family reference and agency name; the admin assigns an officer by e-mail, who answers', async () => {
    const help = await as(lead, ['requests', '--help']);
    expect(help.out).toContain('send [options] <family-or-referral>');
    expect(help.out).toContain('decline [options] <request>');

    const sent = await bin(lead, [
      'requests',
      'send',
      ref,
      '--to',
      'Northshire Police',
      '--due',
      inAWeek(),
      '--question',
      'Any call-outs to the home this year?',
      '--why',
      'Planning the family’s support',
    ]);
    expect(sent).toMatchObject({ code: 0 });
    expect(sent.out).toContain(`Asked Northshire Police about ${ref}`);

    const inbox = json<InformationRequestView[]>(
      await as(policeAdmin, ['--json', 'requests', 'list', '--box', 'inbox']),
    );
    expect(inbox).toHaveLength(1);
    const id = inbox[0].id.slice(0, 8);
    const listed = await as(policeAdmin, ['requests', 'list']);
    expect(listed.out).toMatch(new RegExp(`${id}\\s+${ref}\\s+from lead person \\(Council\\)\\s+requested`));
    const shown = await as(policeAdmin, ['requests', 'show', id]);
    expect(shown.out).toMatch(/Question:\s+Any call-outs to the home this year\?/);
    expect(shown.out).toMatch(/You may:\s+accept, assign, decline/);

    const assigned = await as(policeAdmin, ['requests', 'assign', id, officer.email]);
    expect(assigned).toMatchObject({ code: 0 });
    expect(assigned.out).toContain('Assigned to officer person: they can read the question');

    const log = path.join(officer.home, 'call-out log.txt');
    const logText = 'Call-out log\n'.repeat(20_000);
    await writeFile(log, logText);
    const missing = await bin(officer, [
      'requests',
      'provide',
      id,
      '--text',
      'See the log.',
      '--attach',
      log + '.gone',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(`There is no file at ${log}.gone`);
    expect(json<InformationRequestView>(await as(lead, ['--json', 'requests', 'show', id])).state).toBe('requested');

    const provided = await bin(officer, [
      'requests',
      'provide',
      id,
      '--text',
      'Two call-outs, in March and June.',
      '--attach',
      log,
    ]);
    expect(provided).toMatchObject({ code: 0 });
    expect(provided.out).toContain('Accepted and answered');
    expect(provided.out).toContain('and the file');
    expect(provided.err).toContain('Uploading call-out log.txt: 100%');
    // Run again (say, after the answer was lost on the way back): refused before any file goes up again.
    const files = () => t.sql('SELECT count(*)::int AS n FROM attachments').then((r) => (r.rows[0] as { n: number }).n);
    const before = await files();
    const again = await bin(officer, ['requests', 'provide', id, '--text', 'Again.', '--attach', log]);
    expect(again.code).toBe(2);
    expect(again.err).toContain(`You cannot answer request ${id} now: it is answered`);
    expect(await files()).toBe(before);

    const read = await as(lead, ['requests', 'show', id]);
    expect(read.code).toBe(0);
    expect(read.out).toMatch(/Answer:\s+Two call-outs, in March and June\./);
    expect(read.out).toContain(`Files (strongroom requests download ${id} <number>):\n  1. call-out log.txt (`);
    expect(read.out).toMatch(/You may:\s+close/);
    const none = await as(lead, ['requests', 'download', id, '2', '--out', lead.home]);
    expect(none.code).toBe(2);
    expect(none.err).toContain('The answer has no file "2": name it by its number (1 to 1) or its name.');
    const saved = await bin(lead, ['requests', 'download', id, '1', '--out', lead.home]);
    expect(saved).toMatchObject({ code: 0 });
    expect(await readFile(path.join(lead.home, 'call-out log.txt'), 'utf8')).toBe(logText);
    expect(json<InformationRequestView>(await as(lead, ['--json', 'requests', 'close', id])).state).toBe('closed');
  });

  it('refuses a refusal without a proper reason on the computer, and shows the reason given to the asker', async () => {
    const sent = json<InformationRequestView>(
      await as(lead, [
        '--json',
        'requests',
        'send',
        ref,
        '--to',
        'Health Trust',
        '--due',
        inAWeek(),
        '--question',
        'Health visits this year?',
        '--why',
        'Planning',
      ]),
    );
    const id = sent.id.slice(0, 8);

    const noReason = await as(healthAdmin, ['requests', 'decline', id]);
    expect(noReason.code).toBe(2);
    expect(noReason.err).toContain("required option '--reason <text>' not specified");

    const short = await bin(healthAdmin, ['requests', 'decline', id, '--reason', 'No.']);
    expect(short.code).toBe(2);
    expect(short.err).toContain(
      'Explain in at least a sentence why your agency will not share this — 20 characters or more.',
    );
    expect(short.err).toContain('Yours has 3');
    expect(json<InformationRequestView>(await as(lead, ['--json', 'requests', 'show', id])).state).toBe('requested');

    const declined = await bin(healthAdmin, [
      'requests',
      'decline',
      id,
      '--reason',
      'The family has not agreed to health sharing this.',
    ]);
    expect(declined).toMatchObject({ code: 0 });
    expect(declined.out).toContain('Declined request');

    const noFiles = await as(lead, ['requests', 'download', id, '1']);
    expect(noFiles.code).toBe(2);
    expect(noFiles.err).toContain('The request has no answer yet, so no files.');

    const read = await as(lead, ['requests', 'show', id]);
    expect(read.code).toBe(0);
    expect(read.out).toMatch(/Declined because:\s+The family has not agreed to health sharing this\./);
    expect(read.out).not.toContain('Warning');
    const asJson = json<InformationRequestView & { opened: { decline: { warning: string | null } } }>(
      await as(lead, ['--json', 'requests', 'show', id]),
    );
    expect(asJson.opened.decline.warning).toBeNull();
  });
});
