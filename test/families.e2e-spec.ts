import { randomUUID } from 'node:crypto';
import { UnableToDecryptError, type SecureSession } from '../client/sdk/index.js';
import type { ConsentInput } from '../client/sdk/types.js';
import { countOf } from './support/db.js';
import { refused, fieldsOf } from './support/refused.js';
import { dumpDatabase, markerForms, secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World, type Person } from './support/world.js';

/**
 * Families and the consent register, end to end through the SDK: who may be added to a family's
 * channel, who may post new content, who gets the next key, as consent is given and withdrawn and
 * lawful bases are recorded; and every rule broken on purpose.
 */
describe('families and consent: sharing only on a recorded basis', () => {
  let t: TestApp;
  let w: World;
  const agency: Record<string, string> = {};
  let lead: Person;
  let manager: Person;
  let officer: Person;
  let teacher: Person;
  let nurse: Person;
  let outsider: Person;
  let leadS: SecureSession;
  let officerS: SecureSession;
  let teacherS: SecureSession;
  const sessions: SecureSession[] = [];
  const marker = `Family-Marker-${randomUUID()}`;

  const today = () => t.clock.now().toISOString().slice(0, 10);
  const consent = (over: Partial<ConsentInput>): Omit<ConsentInput, 'id'> & { id?: string } => ({
    kind: 'share',
    status: 'given',
    givenBy: 'self',
    method: 'written',
    decidedOn: today(),
    formVersion: 'EH consent form v3',
    ...over,
  });

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    agency.council = await w.agency('County Council');
    agency.police = await w.agency('Constabulary', { sector: 'police' });
    agency.school = await w.agency('Oak Primary', { sector: 'education' });
    agency.health = await w.agency('Health Trust', { sector: 'health', deaS35Partner: true });
    agency.unsigned = await w.agency('Not Yet Signed', { signed: false });
    lead = await w.person(agency.council, 'practitioner', 'lead');
    manager = await w.person(agency.council, 'practitioner', 'manager');
    officer = await w.person(agency.police, 'practitioner', 'officer');
    teacher = await w.person(agency.school, 'practitioner', 'teacher');
    nurse = await w.person(agency.health, 'practitioner', 'nurse');
    outsider = await w.signIn(await w.account(agency.unsigned, 'practitioner', 'outsider'), { attest: false });
    leadS = await secureSession(lead.client, 'lead laptop', t);
    officerS = await secureSession(officer.client, 'officer laptop', t);
    teacherS = await secureSession(teacher.client, 'teacher laptop', t);
    sessions.push(leadS, officerS, teacherS);
  });
  afterAll(async () => {
    for (const s of sessions) s.close();
    await t.close();
  });

  it('runs a family from opening to consent withdrawal, exactly as the ISA says', async () => {
    // Opening: a pseudonymous reference, a channel, the opener as lead worker and chair.
    const family = await lead.client.createFamily();
    expect(family.ref).toMatch(/^EH-\d{4}-\d{4}$/);
    expect(family.leadWorker).toMatchObject({ userId: lead.id, agencyId: agency.council });
    const channelId = family.channelId;
    const childId = randomUUID();
    const child = await lead.client.addFamilyMember(family.id, {
      id: childId,
      role: 'child',
      details: await leadS.sealField(
        channelId,
        'family-member',
        { name: marker, dateOfBirth: '2012-03-04' },
        { recordId: childId },
      ),
    });
    const parent = await lead.client.addFamilyMember(family.id, { role: 'parent' });
    expect(child.ref).toBe(`${family.ref}-M1`);
    expect(parent.ref).toBe(`${family.ref}-M2`);
    expect(await leadS.openField(channelId, 'family-member', child.details!, { recordId: child.id })).toEqual({
      name: marker,
      dateOfBirth: '2012-03-04',
    });

    // No consent yet: the police cannot be added; the refusal is itself a recorded decision.
    await refused(lead.client.addMember(channelId, { userId: officer.id }), 403, 'no_sharing_basis');

    // Consent to share with the police, from the parent for themself and for the child.
    await lead.client.recordConsent(family.id, parent.id, consent({ agencyIds: [agency.police] }));
    await refused(lead.client.addMember(channelId, { userId: officer.id }), 403, 'no_sharing_basis');
    await lead.client.recordConsent(family.id, child.id, consent({ givenBy: 'parent', agencyIds: [agency.police] }));
    await lead.client.recordNotice(family.id, parent.id, { noticeVersion: 'Privacy notice 2026', givenOn: today() });
    await lead.client.addMember(channelId, { userId: officer.id });

    // The school is not covered by that consent; a lawful basis with a manager's approval covers it.
    await refused(lead.client.addMember(channelId, { userId: teacher.id }), 403, 'no_sharing_basis');
    const basisId = randomUUID();
    const justification = await leadS.sealField(
      channelId,
      'lawful-basis',
      { text: 'Risk of significant harm' },
      { recordId: basisId },
    );
    await lead.client.recordLawfulBasis(family.id, {
      id: basisId,
      agencyId: agency.school,
      basis: 'safeguarding',
      justification,
      approvedBy: manager.id,
    });
    await lead.client.addMember(channelId, { userId: teacher.id });

    let register = await lead.client.consentRegister(family.id);
    expect(register.sharing.agencies.map((a) => [a.agencyId, a.basis]).sort()).toEqual(
      [
        [agency.council, 'lead_agency'],
        [agency.police, 'consent'],
        [agency.school, 'lawful_basis'],
      ].sort(),
    );
    expect(register.members.find((x) => x.memberId === parent.id)?.noticesGiven).toHaveLength(1);
    expect(register.decisions.map((d) => [d.what, d.agencyId, d.outcome, d.basis])).toEqual([
      ['channel_member_added', agency.police, 'refused', 'none'],
      ['channel_member_added', agency.police, 'refused', 'none'],
      ['channel_member_added', agency.police, 'shared', 'consent'],
      ['channel_member_added', agency.school, 'refused', 'none'],
      ['lawful_basis_recorded', agency.school, 'shared', 'lawful_basis'],
      ['channel_member_added', agency.school, 'shared', 'lawful_basis'],
    ]);

    // Everyone in may post while consent stands.
    await officerS.send(channelId, 'police update');
    await teacherS.send(channelId, 'school update');

    // The parent withdraws consent to share: the police may post nothing new and get no new key; the
    // school (lawful basis) and the lead worker's agency carry on; nobody else can be added.
    await lead.client.recordConsent(family.id, parent.id, consent({ status: 'withdrawn' }));
    register = await lead.client.consentRegister(family.id);
    expect(register.sharing.restriction).toMatchObject({ reason: 'consent_withdrawn' });
    expect(register.sharing.agencies.map((a) => a.agencyId).sort()).toEqual([agency.council, agency.school].sort());
    const view = await lead.client.channel(channelId);
    expect(view.sharingRestriction?.message).toContain(parent.ref);

    const sent = await leadS.send(channelId, 'after the withdrawal');
    const devices = await lead.client.channelDevices(channelId);
    expect(devices.devices.map((d) => d.userId)).not.toContain(officer.id);
    await expect(officerS.keyFor(channelId, sent.epoch)).rejects.toBeInstanceOf(UnableToDecryptError);
    await refused(officerS.send(channelId, 'more from the police'), 403, 'consent_withdrawn');
    await teacherS.send(channelId, 'school still shares');
    await refused(lead.client.addMember(channelId, { userId: nurse.id }), 403, 'consent_withdrawn');

    // The police cannot take over as lead worker now; a colleague of the lead's agency can.
    await refused(lead.client.handOverFamily(family.id, officer.id), 403, 'consent_withdrawn');
    const handed = await lead.client.handOverFamily(family.id, manager.id);
    expect(handed.leadWorker.userId).toBe(manager.id);
    expect(handed.leadHistory.map((h) => [h.fromUserId, h.toUserId])).toEqual([
      [null, lead.id],
      [lead.id, manager.id],
    ]);

    // Nothing the family said or that names them is in the database in clear.
    const dump = await dumpDatabase(t.databaseUrl);
    for (const form of markerForms(marker)) expect(dump).not.toContain(form);
  });

  it('refuses every broken consent rule with a clear error, and stores nothing', async () => {
    const family = await lead.client.createFamily();
    const child = await lead.client.addFamilyMember(family.id, { role: 'child' });
    const parent = await lead.client.addFamilyMember(family.id, { role: 'parent' });
    const records = () =>
      countOf(
        t,
        'SELECT count(*)::int AS n FROM consent_records c JOIN family_members m ON m.id = c.member_id WHERE m.family_id = $1',
        [family.id],
      );

    // A child consenting for themself needs a competence judgement; an adult consents for themself.
    let err = await refused(
      lead.client.recordConsent(family.id, child.id, consent({ agencyIds: [agency.police] })),
      400,
      'validation_failed',
    );
    expect(fieldsOf(err)).toHaveProperty('competence');
    err = await refused(
      lead.client.recordConsent(family.id, parent.id, consent({ givenBy: 'carer', agencyIds: [agency.police] })),
      400,
      'validation_failed',
    );
    expect(fieldsOf(err)).toHaveProperty('givenBy');
    // Consent to share names its agencies; dates are not in the future; only given consent is withdrawn.
    await refused(lead.client.recordConsent(family.id, parent.id, consent({})), 400, 'validation_failed');
    await refused(
      lead.client.recordConsent(family.id, parent.id, consent({ decidedOn: '2999-01-01', agencyIds: [agency.police] })),
      400,
      'validation_failed',
    );
    await refused(
      lead.client.recordConsent(family.id, parent.id, consent({ status: 'withdrawn' })),
      409,
      'consent_not_given',
    );
    // Only the lead worker (or the channel's chair) records consent; others are refused.
    await refused(
      manager.client.recordConsent(family.id, parent.id, consent({ agencyIds: [agency.police] })),
      403,
      'not_a_member',
    );
    expect(await records()).toBe(0);

    // A competent young person's own consent, with the judgement sealed.
    const consentId = randomUUID();
    const leadSealed = await leadS.sealField(
      family.channelId,
      'competence-rationale',
      { text: 'Understands fully' },
      { recordId: consentId },
    );
    await lead.client.recordConsent(
      family.id,
      child.id,
      consent({
        id: consentId,
        agencyIds: [agency.police],
        competence: { assessedBy: lead.id, assessedOn: today(), rationale: leadSealed },
      }),
    );
    expect(await records()).toBe(1);

    // Lawful bases: DEA s35 only with s35 partners; someone else approves; a signed agency only.
    const basisId = randomUUID();
    const justification = await leadS.sealField(
      family.channelId,
      'lawful-basis',
      { text: 'why' },
      { recordId: basisId },
    );
    const basis = (over: object) => ({
      id: basisId,
      agencyId: agency.health,
      basis: 'dea_s35' as const,
      justification,
      approvedBy: manager.id,
      ...over,
    });
    await refused(
      lead.client.recordLawfulBasis(family.id, basis({ agencyId: agency.school })),
      409,
      'not_dea_s35_partner',
    );
    await refused(lead.client.recordLawfulBasis(family.id, basis({ approvedBy: lead.id })), 400, 'validation_failed');
    await refused(
      lead.client.recordLawfulBasis(family.id, basis({ approvedBy: officer.id })),
      400,
      'validation_failed',
    );
    await refused(
      lead.client.recordLawfulBasis(family.id, basis({ agencyId: agency.unsigned, basis: 'safeguarding' })),
      403,
      'agency_not_signed',
    );
    await refused(
      lead.client.recordLawfulBasis(family.id, basis({ justification: { ...justification, epoch: 99 } })),
      400,
      'validation_failed',
    );
    expect(await countOf(t, 'SELECT count(*)::int AS n FROM lawful_bases WHERE family_id = $1', [family.id])).toBe(0);
    await lead.client.recordLawfulBasis(family.id, basis({}));
    await lead.client.addMember(family.channelId, { userId: nurse.id });

    // A user of an unsigned agency is never added, whatever the consent says.
    await refused(lead.client.addMember(family.channelId, { userId: outsider.id }), 403, 'agency_not_signed');
    // Only a practitioner opens a family; strangers cannot read one.
    await refused(outsider.client.createFamily(), 403, 'agency_not_signed');
    await refused(officer.client.family(family.id), 403, 'not_a_member');
    await refused(officer.client.consentRegister(family.id), 403, 'not_a_member');
  });
});
