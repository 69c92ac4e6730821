import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ReferralQueueView, ReferralReceipt } from '../client/sdk/index.js';
import { cliAgencyAdmin, cliAs, cliPerson, json, type CliAccount } from './support/cli.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World } from './support/world.js';

/** The MASH hub from the command line: referrals named by reference, people by e-mail, families by EH-…. */
describe('the strongroom CLI for MASH referrals', () => {
  let t: TestApp;
  let w: World;
  const homes: string[] = [];
  let teacher: CliAccount;
  let hub: CliAccount;
  let officer: CliAccount;
  let lead: CliAccount;
  let policeAdmin: CliAccount;

  const as = (p: CliAccount, argv: string[]) => cliAs(t, p, argv);

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    const hubAgency = await w.agency('Compass MASH', { mashHub: true });
    const school = await w.agency('Oak Primary', { sector: 'education' });
    const police = await w.agency('Constabulary', { sector: 'police' });
    const council = await w.agency('County Council');
    hub = await cliPerson(t, w, hubAgency, 'hub', homes, 'mash_worker');
    teacher = await cliPerson(t, w, school, 'teacher', homes);
    officer = await cliPerson(t, w, police, 'officer', homes);
    lead = await cliPerson(t, w, council, 'lead', homes);
    policeAdmin = await cliAgencyAdmin(t, w, police, 'policeadmin', homes);
  });
  afterAll(async () => {
    await t.close();
    for (const h of homes) await rm(h, { recursive: true, force: true });
  });

  it('submits, screens, shares and decides a referral, and the referrer sees only the outcome', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sr-referral-files-'));
    homes.push(dir);
    const form = path.join(dir, 'referral form.txt');
    const formBytes = Buffer.concat([Buffer.from('Referral form\n'), Buffer.alloc(100_000, 0x42)]);
    await writeFile(form, formBytes);
    const submitted = await as(teacher, [
      'referrals',
      'submit',
      '--category',
      'neglect',
      '--category',
      'school_attendance',
      '--urgency',
      'urgent',
      '--family-consent',
      'refused',
      '--child',
      'Sam Example, 2016-02-03',
      '--adult',
      'Alex Example',
      '--concern',
      'Arrives hungry most mornings',
      '--consent-note',
      'Mother would take the children away',
      '--attach',
      form,
    ]);
    expect(submitted.code).toBe(0);
    expect(submitted.err).toContain('Uploading referral form.txt: 100%');
    const ref = /Referral (MASH-\d{4}-\d{6}) received and acknowledged/.exec(submitted.out)![1];
    expect(submitted.out).toContain('red within 4 hours, amber 24, green 72');

    const queue = json<ReferralQueueView>(await as(hub, ['--json', 'queue']));
    expect(queue.entries.map((e) => e.ref)).toEqual([ref]);
    expect((await as(hub, ['queue'])).out).toMatch(new RegExp(`${ref}\\s+\\S+\\s+\\(urgent\\)\\s+received, waiting`));

    expect((await as(hub, ['referrals', 'claim', ref])).out).toContain(`${ref}: taken on by you. Now being screened`);
    expect((await as(hub, ['referrals', 'rate', ref, '--rag', 'red', '--why', 'Young child, daily'])).code).toBe(0);
    // The hub asks the police what they hold, naming the referral by its reference.
    const asked = await as(hub, [
      'requests',
      'send',
      ref,
      '--to',
      'Constabulary',
      '--due',
      '2099-01-01',
      '--question',
      'Any incidents at the address?',
      '--why',
      'Screening a red referral',
    ]);
    expect(asked.code).toBe(0);
    expect(asked.out).toContain(`Asked Constabulary about ${ref}`);
    expect((await as(policeAdmin, ['requests', 'list'])).out).toContain(ref);
    // Sharing needs a basis; the family did not agree, so consent is refused by the server in plain words.
    const noConsent = await as(hub, ['referrals', 'share', ref, officer.email, '--consent']);
    expect(noConsent.code).toBe(1);
    expect(noConsent.err).toContain('The family has not agreed');
    const shared = await as(hub, [
      'referrals',
      'share',
      ref,
      officer.email,
      '--lawful-basis',
      'safeguarding',
      '--why',
      'Police hold incidents at the address',
    ]);
    expect(shared.code).toBe(0);
    const asOfficer = await as(officer, ['referrals', 'show', ref]);
    expect(asOfficer.out).toContain('Arrives hungry most mornings');
    expect(asOfficer.out).toContain('child: Sam Example, born 2016-02-03');
    expect(asOfficer.out).toContain('Young child, daily');
    expect(asOfficer.out).toMatch(/1\. referral form\.txt \(100 kB\)/);
    const saved = path.join(dir, 'saved.txt');
    const got = await as(officer, ['referrals', 'download', ref, '1', '--out', saved]);
    expect(got.code).toBe(0);
    expect((await readFile(saved)).equals(formBytes)).toBe(true);

    const usage = await as(hub, ['referrals', 'decide', ref, '--decision', 'early_help', '--why', 'x']);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('Early help needs a family');
    const decided = await as(hub, [
      'referrals',
      'decide',
      ref,
      '--decision',
      'early_help',
      '--why',
      'Family-wide plan needed',
      '--lead',
      lead.email,
    ]);
    expect(decided.code).toBe(0);
    expect(decided.out).toContain('decided: early help');

    // The referrer: the outcome and nothing of what the hub or partners wrote.
    const outcome = await as(teacher, ['referrals', 'show', ref]);
    expect(outcome.out).toMatch(/Decision:\s+early help/);
    expect(outcome.out).toMatch(/Rating:\s+red/);
    expect(outcome.out).not.toContain('Family-wide plan needed');
    expect(outcome.out).not.toContain('Young child, daily');
    const mine = json<ReferralReceipt[]>(await as(teacher, ['--json', 'referrals', 'list']));
    expect(mine.map((r) => [r.ref, r.decision])).toEqual([[ref, 'early_help']]);
    // Someone who is not hub staff has no queue.
    const notHub = await as(officer, ['queue']);
    expect(notHub.code).toBe(1);
    expect(notHub.err).toContain('Only the MASH hub');

    // A database writer moves the decision's reason onto the concern: shown as not verified, exit code 6.
    await t.sql(
      'UPDATE referrals SET content = decision_rationale, content_epoch = decision_rationale_epoch WHERE ref = $1',
      [ref],
    );
    const tampered = await as(hub, ['referrals', 'show', ref]);
    expect(tampered.code).toBe(6);
    expect(tampered.out).toMatch(/What:\s+\(could not be verified: see the warnings below\)/);
    expect(tampered.out).toMatch(/Decision why:\s+Family-wide plan needed/);
    expect(tampered.out).toContain('Warning: The concern could not be verified, so it is not shown');
  });

  it('explains bad input before anything is sent', async () => {
    const noChild = await as(teacher, [
      'referrals',
      'submit',
      '--category',
      'neglect',
      '--urgency',
      'standard',
      '--family-consent',
      'given',
      '--adult',
      'Only Adult',
      '--concern',
      'x',
    ]);
    expect(noChild.code).toBe(2);
    expect(noChild.err).toContain('Name at least one child with --child.');
    const badCategory = await as(teacher, [
      'referrals',
      'submit',
      '--category',
      'gossip',
      '--urgency',
      'standard',
      '--family-consent',
      'given',
      '--child',
      'A',
      '--concern',
      'x',
    ]);
    expect(badCategory.code).toBe(2);
    expect(badCategory.err).toContain('--category is one or more of: neglect');
    expect((await as(teacher, ['referrals', 'show', 'MASH-26-1'])).err).toContain('is not a referral reference');
  });
});
