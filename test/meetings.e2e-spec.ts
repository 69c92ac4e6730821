import { randomUUID } from 'node:crypto';
import {
  newObjectiveId,
  RecordExporter,
  renderExportHtml,
  signExport,
  UnableToDecryptError,
  verifyExport,
  verifyExportText,
  type SecureSession,
  type SignedExport,
  type TrustAnchors,
} from '../client/sdk/index.js';
import { minutesTextHash, signMinutes } from '../client/sdk/crypto/minutes.js';
import { refused } from './support/refused.js';
import { dumpDatabase, markerForms, secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World, type Person } from './support/world.js';

interface Minutes {
  sections: { item: string; notes: string }[];
  familyVoice: string;
}

/**
 * A Family Meeting run as a user would run it, through the SDK: schedule in the family's channel,
 * invite three agencies, start, record attendance (family members by ref), minute in versions, add
 * typed entries, close with the chair's signature, amend with a signed correction, and verify it all
 * on another member's device. Then every rule broken on purpose.
 */
describe('meetings: minutes written in the open meeting, locked and signed at close, amended only by signature', () => {
  let t: TestApp;
  let w: World;
  const agency: Record<string, string> = {};
  let admin: Person;
  let lead: Person;
  let officer: Person;
  let teacher: Person;
  let nurse: Person;
  let leadS: SecureSession;
  let officerS: SecureSession;
  let family: { id: string; channelId: string; members: { id: string; ref: string }[] };
  const marker = `Minutes-Marker-${randomUUID()}`;
  const voice = `Family-Voice-${randomUUID()}`;
  const sessions: SecureSession[] = [];
  /** The Family Meeting the first test closes and amends; exported in a later one. */
  let closedMeetingId: string;

  const today = () => t.clock.now().toISOString().slice(0, 10);

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    agency.council = await w.agency('Council');
    agency.police = await w.agency('Police', { sector: 'police' });
    agency.school = await w.agency('School', { sector: 'education' });
    agency.health = await w.agency('Health', { sector: 'health' });
    admin = await w.person(agency.council, 'isa_admin', 'admin');
    lead = await w.person(agency.council, 'practitioner', 'lead');
    officer = await w.person(agency.police, 'practitioner', 'officer');
    teacher = await w.person(agency.school, 'practitioner', 'teacher');
    nurse = await w.person(agency.health, 'practitioner', 'nurse');
    leadS = await secureSession(lead.client, 'lead laptop', t);
    officerS = await secureSession(officer.client, 'officer laptop', t);
    sessions.push(leadS, officerS);

    // The family, with consent to share with all three partner agencies, and its people in the channel.
    const f = await lead.client.createFamily();
    const child = await lead.client.addFamilyMember(f.id, { role: 'child' });
    const parent = await lead.client.addFamilyMember(f.id, { role: 'parent' });
    const covers = [agency.police, agency.school, agency.health];
    const base = { kind: 'share' as const, status: 'given' as const, method: 'written' as const, formVersion: 'v3' };
    await lead.client.recordConsent(f.id, parent.id, {
      ...base,
      givenBy: 'self',
      decidedOn: today(),
      agencyIds: covers,
    });
    await lead.client.recordConsent(f.id, child.id, {
      ...base,
      givenBy: 'parent',
      decidedOn: today(),
      agencyIds: covers,
    });
    for (const p of [officer, teacher, nurse]) await lead.client.addMember(f.channelId, { userId: p.id });
    family = { id: f.id, channelId: f.channelId, members: [child, parent] };
  });
  afterAll(async () => {
    for (const s of sessions) s.close();
    await t.close();
  });

  it('runs a Family Meeting from scheduling to a signed, amended, verified record', async () => {
    const agenda = [
      { id: 'welcome', title: 'Welcome and introductions' },
      { id: 'plan', title: 'Whole-family plan review' },
    ];
    const meetingId = randomUUID();
    const meeting = await lead.client.scheduleMeeting({
      id: meetingId,
      channelId: family.channelId,
      kind: 'family',
      scheduledAt: new Date(t.clock.now().getTime() + 86_400_000).toISOString(),
      place: await leadS.sealField(
        family.channelId,
        'meeting-place',
        { text: 'Family Hub, room 2' },
        { recordId: meetingId },
      ),
      agenda: await leadS.sealField(family.channelId, 'meeting-agenda', agenda, { recordId: meetingId }),
      invitees: [officer.id, teacher.id, nurse.id],
    });
    expect(meeting.status).toBe('scheduled');
    expect(meeting.invitees.map((i) => i.agencyId).sort()).toEqual(
      [agency.council, agency.police, agency.school, agency.health].sort(),
    );
    expect(
      await officerS.openField(family.channelId, 'meeting-agenda', meeting.agenda!, { recordId: meeting.id }),
    ).toEqual(agenda);
    expect((await officer.client.meetings()).map((m) => m.id)).toContain(meeting.id);

    // Minutes cannot be written before the meeting starts.
    await refused(leadS.saveMinutes(meeting.id, { sections: [] }, 0), 409, 'invalid_status');
    await lead.client.startMeeting(meeting.id);
    await lead.client.setAttendance(meeting.id, {
      people: [
        { userId: lead.id, attendance: 'present' },
        { userId: officer.id, attendance: 'present' },
        { userId: teacher.id, attendance: 'apologies' },
        { userId: nurse.id, attendance: 'absent' },
      ],
      familyMembers: [
        { memberId: family.members[1].id, present: true },
        { memberId: family.members[0].id, present: false },
      ],
    });

    const draft: Minutes = { sections: [{ item: 'welcome', notes: 'All introduced' }], familyVoice: '' };
    expect(await leadS.saveMinutes(meeting.id, draft, 0)).toBe(1);
    const full: Minutes = {
      sections: [...draft.sections, { item: 'plan', notes: `School attendance improving ${marker}` }],
      familyVoice: voice,
    };
    expect(await leadS.saveMinutes(meeting.id, full, 1)).toBe(2);
    // A second writer who started from version 1 does not overwrite version 2.
    await refused(leadS.saveMinutes(meeting.id, draft, 1), 409, 'minutes_conflict');
    const entryId = randomUUID();
    const decision = await leadS.sealField(
      family.channelId,
      'meeting-entry',
      { text: 'Weekly check-ins agreed' },
      { recordId: entryId },
    );
    await lead.client.addMeetingEntry(meeting.id, {
      id: entryId,
      agendaItem: 'plan',
      kind: 'decision',
      content: decision,
    });
    const nurseActionId = randomUUID();
    await lead.client.createAction({
      id: nurseActionId,
      channelId: family.channelId,
      meetingId: meeting.id,
      description: await leadS.sealField(
        family.channelId,
        'action',
        { text: 'Book the school nurse visit' },
        { recordId: nurseActionId },
      ),
      ownerId: nurse.id,
      dueOn: today(),
    });
    // An unclosed meeting is not exported: its minutes are not final.
    await expect(new RecordExporter(officerS).meeting(meeting.id)).rejects.toThrow(/Close the meeting first/);
    await refused(officer.client.recordMeetingExport(meeting.id, randomUUID()), 409, 'invalid_status');

    // The police read the live minutes, decrypted on their device.
    expect(await officerS.readMinutes<Minutes>(meeting.id)).toEqual({ version: 2, document: full });

    const closed = await leadS.closeMeeting(meeting.id);
    expect(closed.status).toBe('closed');
    expect(closed.final?.version).toBe(2);
    expect(closed.familyAttendance.map((f) => [f.memberRef, f.present])).toEqual([
      [family.members[0].ref, false],
      [family.members[1].ref, true],
    ]);

    // Locked: no edits, no entries, no attendance; a signed amendment instead, and the original stays.
    await refused(leadS.saveMinutes(meeting.id, draft, 2), 409, 'minutes_locked');
    await refused(
      lead.client.addMeetingEntry(meeting.id, { agendaItem: 'plan', kind: 'information', content: decision }),
      409,
      'minutes_locked',
    );
    await leadS.amendMinutes(meeting.id, { text: 'Check-ins are fortnightly', reason: 'Recorded wrongly' });

    const verified = await officerS.verifiedMinutes<Minutes>(meeting.id);
    expect(verified.version).toBe(2);
    expect(verified.document).toEqual(full);
    expect(verified.amendments).toEqual([
      expect.objectContaining({
        number: 1,
        authorId: lead.id,
        text: 'Check-ins are fortnightly',
        reason: 'Recorded wrongly',
      }),
    ]);
    expect((await lead.client.minutesVersions(meeting.id)).map((v) => v.version)).toEqual([1, 2]);

    const dump = await dumpDatabase(t.databaseUrl);
    for (const form of [...markerForms(marker), ...markerForms(voice)]) expect(dump).not.toContain(form);
    closedMeetingId = meeting.id;
  });

  it('exports the closed meeting to a case record: signed on the device, verified offline, any edit detected', async () => {
    // The police officer promotes the meeting to the police case record.
    const doc = await new RecordExporter(officerS).meeting(closedMeetingId);
    if (doc.kind !== 'meeting') throw new Error('expected a meeting export');
    const r = doc.record;
    expect(doc.exportedBy).toMatchObject({ userId: officer.id, agencyId: agency.police, deviceId: officerS.deviceId });
    expect(r.meeting).toMatchObject({ kind: 'family', status: 'closed', place: 'Family Hub, room 2' });
    expect(r.agenda.map((a) => a.id)).toEqual(['welcome', 'plan']);
    expect(r.minutes.version).toBe(2);
    expect(r.minutes.document).toEqual({
      sections: [
        { item: 'welcome', notes: 'All introduced' },
        { item: 'plan', notes: `School attendance improving ${marker}` },
      ],
      familyVoice: voice,
    });
    expect(r.minutes.signedBy.userId).toBe(lead.id);
    expect(r.attendance.map((a) => [a.userId, a.attendance])).toEqual(
      expect.arrayContaining([
        [officer.id, 'present'],
        [teacher.id, 'apologies'],
        [nurse.id, 'absent'],
      ]),
    );
    expect(r.familyAttendance).toEqual([
      { memberRef: family.members[0].ref, present: false },
      { memberRef: family.members[1].ref, present: true },
    ]);
    expect(r.entries).toEqual([
      expect.objectContaining({ agendaItem: 'plan', kind: 'decision', text: 'Weekly check-ins agreed' }),
    ]);
    expect(r.actions.map((a) => [a.description, a.owner.userId, a.meetingId])).toEqual([
      ['Book the school nurse visit', nurse.id, closedMeetingId],
    ]);
    expect(r.amendments).toEqual([
      expect.objectContaining({ number: 1, text: 'Check-ins are fortnightly', reason: 'Recorded wrongly' }),
    ]);

    // Offline: the JSON as filed, and the HTML page, verify with nothing but the file.
    const filed = JSON.parse(JSON.stringify(doc)) as SignedExport;
    expect((await verifyExport(filed)).valid).toBe(true);
    const html = renderExportHtml(doc);
    expect(html).toContain(voice);
    expect(html).toContain('<html lang="en-GB">');
    const checked = await verifyExportText(html);
    expect(checked.checks.filter((c) => !c.ok)).toEqual([]);
    expect(checked.checks.map((c) => c.check)).toEqual(
      expect.arrayContaining([
        'the final minutes (version 2) are the text the chair signed',
        'amendment 1 is the text its author signed',
        'the readable page shows exactly the signed record',
      ]),
    );
    // Consistent, but by itself it proves nothing about who signed it…
    expect(checked.status).toBe('not_anchored');
    // …until checked against keys held outside it: the officer's own identity and the chair's, as pinned.
    expect(r.minutes.proof.textHash).toBe(await minutesTextHash(r.minutes.document));
    expect(doc.signers.map((d) => [d.userId, d.deviceId]).sort()).toEqual(
      [
        [officer.id, officerS.deviceId],
        [lead.id, leadS.deviceId],
      ].sort(),
    );
    const chairPin = (await officerS.seen(lead.id)).identity!;
    const anchors: TrustAnchors = {
      identities: [
        { userId: officer.id, identityPublicKey: officerS.device.identity!.publicKey, how: 'your own identity key' },
        { ...chairPin, how: 'identity pinned on this computer' },
      ],
    };
    expect((await verifyExportText(html, anchors)).status).toBe('anchored');
    expect((await verifyExportText(html.replace('Weekly check-ins agreed', 'Monthly check-ins agreed'))).valid).toBe(
      false,
    );
    const edited = JSON.parse(JSON.stringify(doc)) as SignedExport & { kind: 'meeting' };
    edited.record.minutes.document = { sections: [], familyVoice: 'changed' };
    expect((await verifyExport(edited)).valid).toBe(false);
    // Re-signed by the exporter's own real device, the edited text still is not what the chair signed.
    const { signature: _old, ...unsigned } = edited;
    const resigned = await verifyExport(await signExport(unsigned, officerS.device.keys.ed25519.privateKey), anchors);
    expect(resigned.checks.filter((c) => !c.ok).map((c) => c.check)).toEqual([
      'the final minutes (version 2) are the text the chair signed',
    ]);
    expect(resigned.status).toBe('invalid');

    // The server knows an export was made, by whom, and its id; never what it says.
    const events = await admin.client.auditEvents({ limit: 1000 });
    expect(
      events.filter((e) => e.action === 'meeting.exported').map((e) => [e.actorUserId, e.targetId, e.details]),
    ).toEqual([[officer.id, closedMeetingId, { exportId: doc.exportId }]]);
  });

  it('refuses minutes whose stored text hash a database writer changed', async () => {
    const [row] = (await t.sql('SELECT final_text_hash FROM meetings WHERE id = $1', [closedMeetingId])).rows as {
      final_text_hash: Buffer;
    }[];
    expect(row.final_text_hash).toHaveLength(32);
    // The hash of another text: the chair's signature does not cover it.
    const other = Buffer.from(await minutesTextHash({ sections: [], familyVoice: 'changed' }), 'base64url');
    await t.sql('UPDATE meetings SET final_text_hash = $2 WHERE id = $1', [closedMeetingId, other]);
    try {
      await expect(officerS.verifiedMinutes(closedMeetingId)).rejects.toThrow(
        new UnableToDecryptError('The final minutes are not signed by the chair’s device.'),
      );
    } finally {
      await t.sql('UPDATE meetings SET final_text_hash = $2 WHERE id = $1', [closedMeetingId, row.final_text_hash]);
    }
    await t.sql('UPDATE minutes_amendments SET text_hash = $2 WHERE meeting_id = $1', [closedMeetingId, other]);
    try {
      await expect(officerS.verifiedMinutes(closedMeetingId)).rejects.toThrow(
        new UnableToDecryptError('Amendment 1 is not signed by its author’s device.'),
      );
    } finally {
      const honest = Buffer.from(
        await minutesTextHash({ text: 'Check-ins are fortnightly', reason: 'Recorded wrongly' }),
        'base64url',
      );
      await t.sql('UPDATE minutes_amendments SET text_hash = $2 WHERE meeting_id = $1', [closedMeetingId, honest]);
    }
    expect((await officerS.verifiedMinutes(closedMeetingId)).amendments).toHaveLength(1);
  });

  it('refuses every broken meeting rule with a clear error', async () => {
    const schedule = (over: object = {}) =>
      lead.client.scheduleMeeting({
        channelId: family.channelId,
        kind: 'family',
        scheduledAt: new Date(t.clock.now().getTime() + 3_600_000).toISOString(),
        ...over,
      });
    // Kind must fit the channel; only a chair schedules; invitees are channel members of signed agencies.
    await refused(schedule({ kind: 'locality' }), 409, 'wrong_channel_kind');
    await refused(
      officer.client.scheduleMeeting({
        channelId: family.channelId,
        kind: 'family',
        scheduledAt: t.clock.now().toISOString(),
      }),
      403,
      'chair_only',
    );
    const stranger = await w.person(agency.police, 'practitioner', 'stranger');
    await refused(schedule({ invitees: [stranger.id] }), 409, 'not_a_channel_member');
    await admin.client.suspendAgency(agency.health, 'Data breach under investigation');
    await refused(schedule({ invitees: [nurse.id] }), 403, 'agency_not_signed');
    await admin.client.reinstateAgency(agency.health);

    const meeting = await schedule({ invitees: [officer.id] });
    await refused(officer.client.startMeeting(meeting.id), 403, 'chair_only');
    await lead.client.startMeeting(meeting.id);
    await refused(lead.client.startMeeting(meeting.id), 409, 'invalid_status');
    // Only the chair or minute-taker writes; attendance only for invitees.
    await refused(
      officerS.saveMinutes(meeting.id, { sections: [{ item: 'a1', notes: 'mine' }] }, 0),
      403,
      'minute_taker_only',
    );
    await refused(
      lead.client.setAttendance(meeting.id, { people: [{ userId: teacher.id, attendance: 'present' }] }),
      409,
      'not_invited',
    );
    // Closing needs minutes, the latest version, and the chair's own device signature.
    await refused(
      lead.client.closeMeeting(meeting.id, {
        version: 1,
        textHash: 'A'.repeat(43),
        deviceId: leadS.deviceId,
        signature: 'A'.repeat(86),
      }),
      409,
      'no_minutes',
    );
    await leadS.saveMinutes(meeting.id, { sections: [{ item: 'a1', notes: 'short meeting' }] }, 0);
    const latest = (await lead.client.meeting(meeting.id)).minutes!;
    const bad = { version: 1, textHash: 'A'.repeat(43), signature: 'A'.repeat(86) };
    await refused(lead.client.closeMeeting(meeting.id, { ...bad, deviceId: leadS.deviceId }), 400, 'invalid_signature');
    await refused(
      lead.client.closeMeeting(meeting.id, { ...bad, deviceId: officerS.deviceId }),
      403,
      'not_your_device',
    );
    await refused(officerS.closeMeeting(meeting.id), 403, 'chair_only');
    expect(latest.version).toBe(1);
    // The signature covers the text hash sent with it: a valid signature with another hash is refused.
    const textHash = await minutesTextHash({ sections: [{ item: 'a1', notes: 'short meeting' }] });
    const signature = await signMinutes(
      meeting.id,
      'final',
      1,
      textHash,
      latest.ciphertext,
      leadS.device.keys.ed25519.privateKey,
    );
    const otherHash = await minutesTextHash({ sections: [{ item: 'a1', notes: 'a long meeting' }] });
    await refused(
      lead.client.closeMeeting(meeting.id, { version: 1, textHash: otherHash, deviceId: leadS.deviceId, signature }),
      400,
      'invalid_signature',
    );
    // A chair's client that signs the hash of some other text gets past the server (which cannot read the
    // minutes), but no reader accepts the minutes as signed.
    const lying = await signMinutes(
      meeting.id,
      'final',
      1,
      otherHash,
      latest.ciphertext,
      leadS.device.keys.ed25519.privateKey,
    );
    const closed = await lead.client.closeMeeting(meeting.id, {
      version: 1,
      textHash: otherHash,
      deviceId: leadS.deviceId,
      signature: lying,
    });
    expect(closed.final).toMatchObject({ version: 1, textHash: otherHash, deviceId: leadS.deviceId });
    await expect(officerS.verifiedMinutes(meeting.id)).rejects.toThrow(
      new UnableToDecryptError('The text of the final minutes is not the text the chair signed.'),
    );
    await expect(new RecordExporter(officerS).meeting(meeting.id)).rejects.toThrow(UnableToDecryptError);
    // An amendment whose signature does not match is refused; strangers cannot read the meeting.
    const view = await lead.client.meeting(meeting.id);
    const amendment = await leadS.sealField(
      family.channelId,
      'minutes-amendment',
      { text: 'x', reason: 'y' },
      { recordId: meeting.id, version: 1 },
    );
    await refused(
      lead.client.amendMinutes(meeting.id, {
        number: 1,
        amendment,
        textHash: view.final!.textHash!,
        deviceId: leadS.deviceId,
        signature: view.final!.signature,
      }),
      400,
      'invalid_signature',
    );
    await refused(stranger.client.meeting(meeting.id), 403, 'not_a_member');
  });

  it('keeps a whole-family plan: versioned objectives, members covered, progress by professionals and the family, actions linked', async () => {
    // Objective ids are random: they reach the database and the audit log in clear.
    const [school, housing] = [newObjectiveId(), newObjectiveId()];
    await refused(
      lead.client.reportPlanProgress(family.id, {
        objective: 'school',
        kind: 'professional',
        report: await leadS.sealField(family.channelId, 'plan-progress', { text: 'x' }, { recordId: randomUUID() }),
      }),
      400,
      'validation_failed',
    );
    const objectives = [
      {
        id: school,
        objective: 'Sam attends school every day',
        outcome: '95% attendance',
        measure: 'School register',
      },
      { id: housing, objective: 'Stable housing', outcome: 'Tenancy secured', measure: 'Tenancy agreement' },
    ];
    const [child, parent] = family.members;
    const empty = await lead.client.familyPlan(family.id);
    expect(empty.plan).toBeNull();
    await refused(lead.client.recordPlanExport(family.id, randomUUID()), 409, 'no_plan');
    await refused(
      lead.client.reportPlanProgress(family.id, {
        objective: school,
        kind: 'professional',
        report: await leadS.sealField(family.channelId, 'plan-progress', { text: 'x' }, { recordId: randomUUID() }),
      }),
      409,
      'no_plan',
    );
    const planDoc = { objectives, familyVoice: 'We want stability' };
    const reviewOn = new Date(t.clock.now().getTime() + 90 * 86_400_000).toISOString().slice(0, 10);
    await leadS.savePlan(family, { baseVersion: 0, document: planDoc, reviewOn, coveredMemberIds: [child.id] });
    let view = await officer.client.familyPlan(family.id);
    expect(view.plan).toMatchObject({ version: 1, reviewOn, reviewOverdue: false, coveredMemberIds: [child.id] });
    expect(view.uncoveredMembers.map((u) => u.memberRef)).toEqual([parent.ref]);
    expect(
      await officerS.openField(family.channelId, 'family-plan', view.plan!, { recordId: family.id, version: 1 }),
    ).toEqual({
      objectives,
      familyVoice: 'We want stability',
    });
    // A stale edit is refused; a member of another family is not covered; only the lead (or chair) edits.
    await refused(
      leadS.savePlan(family, { baseVersion: 0, document: planDoc, reviewOn, coveredMemberIds: [child.id] }),
      409,
      'plan_conflict',
    );
    await refused(
      leadS.savePlan(family, { baseVersion: 1, document: planDoc, reviewOn, coveredMemberIds: [randomUUID()] }),
      400,
      'validation_failed',
    );
    await refused(
      officerS.savePlan(family, { baseVersion: 1, document: planDoc, reviewOn, coveredMemberIds: [child.id] }),
      403,
      'lead_worker_only',
    );
    await leadS.savePlan(family, {
      baseVersion: 1,
      document: planDoc,
      reviewOn,
      coveredMemberIds: [child.id, parent.id],
    });

    // Progress: the police report on an objective; the family's own view is recorded by the lead worker.
    const progressId = randomUUID();
    await officer.client.reportPlanProgress(family.id, {
      id: progressId,
      objective: school,
      kind: 'professional',
      report: await officerS.sealField(
        family.channelId,
        'plan-progress',
        { text: 'No missed days this month' },
        { recordId: progressId },
      ),
    });
    const familyViewId = randomUUID();
    const familyView = await leadS.sealField(
      family.channelId,
      'plan-progress',
      { text: 'Mornings are easier now' },
      { recordId: familyViewId },
    );
    await refused(
      officer.client.reportPlanProgress(family.id, {
        id: familyViewId,
        objective: school,
        kind: 'family',
        report: familyView,
      }),
      403,
      'lead_worker_only',
    );
    await lead.client.reportPlanProgress(family.id, {
      id: familyViewId,
      objective: school,
      kind: 'family',
      report: familyView,
    });
    view = await lead.client.familyPlan(family.id);
    expect(view.plan?.version).toBe(2);
    expect(view.uncoveredMembers).toEqual([]);
    expect(view.progress.map((p) => [p.objective, p.kind, p.authorId])).toEqual([
      [school, 'professional', officer.id],
      [school, 'family', lead.id],
    ]);

    // An action serving an objective names it.
    const busId = randomUUID();
    const action = await lead.client.createAction({
      id: busId,
      channelId: family.channelId,
      planObjective: school,
      description: await leadS.sealField(
        family.channelId,
        'action',
        { text: 'Walking bus referral' },
        { recordId: busId },
      ),
      ownerId: teacher.id,
      dueOn: reviewOn,
    });
    expect(action.planObjective).toBe(school);

    // The plan promoted to the police case record, and checked offline.
    const exported = await new RecordExporter(officerS).familyPlan(family.id);
    if (exported.kind !== 'family-plan') throw new Error('expected a plan export');
    expect(exported.record.plan).toMatchObject({ version: 2, reviewOn });
    expect(exported.record.plan.document).toEqual({ objectives, familyVoice: 'We want stability' });
    expect(exported.record.members.map((m) => m.covered)).toEqual([true, true]);
    expect(exported.record.progress.map((p) => [p.kind, p.text])).toEqual([
      ['professional', 'No missed days this month'],
      ['family', 'Mornings are easier now'],
    ]);
    expect(exported.record.actions.map((a) => [a.planObjective, a.description])).toEqual([
      [school, 'Walking bus referral'],
    ]);
    expect((await verifyExportText(renderExportHtml(exported))).valid).toBe(true);
    const tampered = JSON.parse(JSON.stringify(exported)) as SignedExport & { kind: 'family-plan' };
    tampered.record.plan.reviewOn = '2099-01-01';
    expect((await verifyExport(tampered)).valid).toBe(false);
  });
});
