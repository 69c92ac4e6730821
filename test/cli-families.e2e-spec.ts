import { rm } from 'node:fs/promises';
import type { ConsentRegisterView, FamilyView } from '../client/sdk/index.js';
import { cliAs, cliPerson, json, type CliAccount } from './support/cli.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World } from './support/world.js';

describe('the strongroom CLI for families and consent', () => {
  let t: TestApp;
  let w: World;
  const homes: string[] = [];
  let lead: CliAccount;
  let manager: CliAccount;
  let officer: CliAccount;

  const person = (agencyId: string, prefix: string) => cliPerson(t, w, agencyId, prefix, homes);
  const as = (p: CliAccount, argv: string[]) => cliAs(t, p, argv);

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    const police = await w.agency('Police', { sector: 'police' });
    await w.agency('Oak Primary', { sector: 'education' });
    lead = await person(council, 'lead');
    manager = await person(council, 'manager');
    officer = await person(police, 'officer');
  });
  afterAll(async () => {
    await t.close();
    for (const h of homes) await rm(h, { recursive: true, force: true });
  });

  it('opens a family, records consent by reference and agency name, and shows who may share', async () => {
    const created = json<FamilyView>(await as(lead, ['--json', 'families', 'create']));
    expect(created.ref).toMatch(/^EH-\d{4}-\d{4}$/);
    const ref = created.ref;

    const child = await as(lead, [
      'families',
      'add-member',
      ref,
      '--role',
      'child',
      '--name',
      'Sam Example',
      '--born',
      '2013-05-06',
    ]);
    expect(child.out).toContain(`Added ${ref}-M1 (child).`);
    await as(lead, ['families', 'add-member', ref, '--role', 'parent', '--name', 'Alex Example']);
    // The family's channel is named by the family's reference, as the family is.
    expect((await as(lead, ['send', ref, 'Home visit booked for Tuesday'])).code).toBe(0);
    expect((await as(lead, ['read', ref])).out).toContain('Home visit booked for Tuesday');
    const shown = await as(lead, ['families', 'show', ref]);
    expect(shown.out).toMatch(/M1\s+child\s+Sam Example, born 2013-05-06/);
    expect(shown.out).toContain('Alex Example');
    // It says which channel is the family's, and how commands name it.
    expect(shown.out).toMatch(new RegExp(`Channel:\\s+the family’s own \\([0-9a-f-]{36}\\): named ${ref} in commands`));

    // A child's own consent needs a competence judgement; the CLI asks for it in usage terms.
    const noCompetence = await as(lead, ['consent', 'record', ref, 'M1', '--form', 'v3', '--agency', 'Police']);
    expect(noCompetence.code).toBe(1);
    expect(noCompetence.err).toContain('competence');
    expect(
      (
        await as(lead, [
          'consent',
          'record',
          ref,
          'M1',
          '--form',
          'v3',
          '--agency',
          'Police',
          '--competence-by',
          lead.email,
          '--rationale',
          'Understands what sharing means',
        ])
      ).code,
    ).toBe(0);
    expect((await as(lead, ['consent', 'record', ref, 'M2', '--form', 'v3', '--agency', 'Police'])).code).toBe(0);
    expect((await as(lead, ['consent', 'notice', ref, 'M2', '--version', 'Privacy notice 2026'])).code).toBe(0);

    // The consent lets the police in: the officer is added by e-mail and posts.
    expect((await as(lead, ['channels', 'add', ref, officer.email])).code).toBe(0);
    expect((await as(officer, ['send', ref, 'PC visiting Thursday'])).code).toBe(0);

    const register = await as(lead, ['consent', 'show', ref]);
    expect(register.out).toMatch(/M1\s+child\s+not recorded\s+given by self on \d{4}-\d{2}-\d{2} \(1 agencies\)/);
    expect(register.out).toMatch(/Police\s+consent/);

    // A lawful basis for the school, approved by a manager; then the parent withdraws.
    const basis = await as(lead, [
      'lawful-basis',
      'record',
      ref,
      '--agency',
      'Oak Primary',
      '--basis',
      'safeguarding',
      '--justification',
      'Attendance concerns with risk of harm',
      '--approved-by',
      manager.email,
    ]);
    expect(basis.code).toBe(0);
    const withdrawn = await as(lead, ['consent', 'withdraw', ref, 'M2', '--form', 'v3']);
    expect(withdrawn.out).toContain('Consent to share was withdrawn for');
    // The officer can no longer post, and is told why in the project's words; scripts get the code.
    const refused = await as(officer, ['send', ref, 'One more update']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('Consent to share was withdrawn for');
    expect(refused.err).toContain('only the lead worker’s agency may share new information');
    expect(refused.err).not.toMatch(/epoch|envelope|not approved/i);
    const refusedJson = json<{ error: { code: string } }>(await as(officer, ['--json', 'send', ref, 'Again']));
    expect(refusedJson.error.code).toBe('consent_withdrawn');
    expect((await as(officer, ['read', ref])).out).toContain('PC visiting Thursday');
    const after = json<ConsentRegisterView>(await as(lead, ['--json', 'consent', 'show', ref]));
    expect(after.sharing.agencies.map((a) => a.agencyName).sort()).toEqual(['Council', 'Oak Primary']);

    // The hand-over to a colleague is recorded.
    const handed = await as(lead, ['families', 'lead', ref, manager.email]);
    expect(handed.out).toContain('is now led by manager person');
    expect((await as(manager, ['families', 'list'])).out).toMatch(new RegExp(`${ref}\\s+you`));
  });

  it('explains itself: help text and usage errors', async () => {
    const help = await as(lead, ['families', '--help']);
    expect(help.out).toContain('add-member');
    expect(help.out).toContain('lead <family> <user>');
    const badRole = await as(lead, ['families', 'add-member', 'EH-0000-0000', '--role', 'uncle']);
    expect(badRole.code).toBe(2);
    expect(badRole.err).toContain('--role is one of');
    const unknown = await as(officer, ['families', 'show', 'EH-0000-0000']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Nothing matches "EH-0000-0000" among the families');
    const noChannel = await as(officer, ['channels', 'show', 'EH-0000-0000']);
    expect(noChannel.code).toBe(2);
    expect(noChannel.err).toContain('Nothing matches "EH-0000-0000" among the channels');
    expect((await as(officer, ['channels', '--help'])).out).toContain('a family’s channel by the family’s reference');
  });
});
