import { randomUUID } from 'node:crypto';
import {
  DeclineExplanationError,
  RealtimeConnection,
  type RealtimeEventMap,
  type SecureSession,
} from '../client/sdk/index.js';
import type { ConsentInput } from '../client/sdk/types.js';
import { InformationRequestOverdueService } from '../src/information-requests/information-request-overdue.service.js';
import { countOf } from './support/db.js';
import { refused } from './support/refused.js';
import { dumpDatabase, markerForms, secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World, type Person } from './support/world.js';

const DAY = 86_400_000;

/**
 * Information requests between agencies (ISA 3.3.9, 3.3.10), end to end through the SDK: a family's lead
 * worker asks the police and health what they hold; the police accept, assign an officer, who provides;
 * health declines with a written reason the lead worker reads. Then every rule broken on purpose.
 */
describe('information requests: asked, answered or declined with a reason', () => {
  let t: TestApp;
  let w: World;
  const agency: Record<string, string> = {};
  let lead: Person;
  let colleague: Person;
  let manager: Person;
  let policeAdmin: Person;
  let officer: Person;
  let constable: Person;
  let healthAdmin: Person;
  let teacher: Person;
  let outsider: Person;
  let probationAdmin: Person;
  let leadS: SecureSession;
  let policeAdminS: SecureSession;
  let officerS: SecureSession;
  let healthAdminS: SecureSession;
  let teacherS: SecureSession;
  let familyId: string;
  const sessions: SecureSession[] = [];
  const sockets: RealtimeConnection[] = [];
  const marker = {
    question: `Question-Marker-${randomUUID()}`,
    why: `Why-Marker-${randomUUID()}`,
    response: `Response-Marker-${randomUUID()}`,
    explanation: `Explanation-Marker-${randomUUID()}`,
  };

  const today = () => t.clock.now().toISOString().slice(0, 10);
  const dueIn = (ms: number) => new Date(t.clock.now().getTime() + ms).toISOString();
  const consent = (over: Partial<ConsentInput>): Omit<ConsentInput, 'id'> => ({
    kind: 'share',
    status: 'given',
    givenBy: 'self',
    method: 'written',
    decidedOn: today(),
    formVersion: 'EH consent form v3',
    ...over,
  });
  /** A request from the lead worker about the family, through the SDK. */
  const ask = (toAgencyId: string, question = 'Anything known about the household?', due = 7 * DAY) =>
    leadS.sendInformationRequest({
      subject: { kind: 'family', familyId },
      toAgencyId,
      dueAt: dueIn(due),
      question,
      why: 'Planning the family’s support',
    });
  /** What the database holds of a request, read behind the server's back. */
  const row = async (id: string) =>
    (await t.sql('SELECT * FROM information_requests WHERE id = $1', [id])).rows[0] as Record<string, unknown>;

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    agency.council = await w.agency('County Council');
    agency.police = await w.agency('Constabulary', { sector: 'police' });
    agency.health = await w.agency('Health Trust', { sector: 'health' });
    agency.school = await w.agency('Oak Primary', { sector: 'education' });
    agency.housing = await w.agency('Housing Association');
    agency.probation = await w.agency('Probation Service');
    agency.unsigned = await w.agency('Not Yet Signed', { signed: false });
    lead = await w.person(agency.council, 'practitioner', 'lead');
    colleague = await w.person(agency.council, 'practitioner', 'colleague');
    manager = await w.person(agency.council, 'practitioner', 'manager');
    policeAdmin = await w.person(agency.police, 'agency_admin', 'police-admin');
    officer = await w.person(agency.police, 'practitioner', 'officer');
    constable = await w.person(agency.police, 'practitioner', 'constable');
    healthAdmin = await w.person(agency.health, 'agency_admin', 'health-admin');
    teacher = await w.person(agency.school, 'practitioner', 'teacher');
    await w.person(agency.school, 'agency_admin', 'school-admin');
    probationAdmin = await w.person(agency.probation, 'agency_admin', 'probation-admin');
    await w.person(agency.unsigned, 'agency_admin', 'unsigned-admin');
    outsider = await w.signIn(await w.account(agency.unsigned, 'practitioner', 'outsider'), { attest: false });
    leadS = await secureSession(lead.client, 'lead laptop', t);
    policeAdminS = await secureSession(policeAdmin.client, 'police admin laptop', t);
    officerS = await secureSession(officer.client, 'officer laptop', t);
    healthAdminS = await secureSession(healthAdmin.client, 'health admin laptop', t);
    teacherS = await secureSession(teacher.client, 'teacher laptop', t);
    sessions.push(leadS, policeAdminS, officerS, healthAdminS, teacherS);

    // A family whose members consent to sharing with the police; health has a lawful basis.
    const family = await lead.client.createFamily();
    familyId = family.id;
    const child = await lead.client.addFamilyMember(familyId, { role: 'child' });
    const parent = await lead.client.addFamilyMember(familyId, { role: 'parent' });
    await lead.client.recordConsent(familyId, parent.id, consent({ agencyIds: [agency.police] }));
    await lead.client.recordConsent(familyId, child.id, consent({ givenBy: 'parent', agencyIds: [agency.police] }));
    for (const agencyId of [agency.health, agency.probation]) {
      const id = randomUUID();
      await lead.client.recordLawfulBasis(familyId, {
        id,
        agencyId,
        basis: 'safeguarding',
        justification: await leadS.sealField(
          family.channelId,
          'lawful-basis',
          { text: 'Risk of harm' },
          { recordId: id },
        ),
        approvedBy: manager.id,
      });
    }
    await lead.client.addMember(family.channelId, { userId: colleague.id });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const s of sessions) s.close();
    await t.close();
  });

  it('the lead worker asks the police and health; the police provide through an assigned officer, health declines with a reason the lead worker reads', async () => {
    const heard: RealtimeEventMap['information_request.updated'][] = [];
    const rt = new RealtimeConnection(t.baseUrl, lead.client.token!);
    sockets.push(rt);
    await rt.connect();
    rt.on('information_request.updated', (e) => heard.push(e));

    const toPolice = await leadS.sendInformationRequest({
      subject: { kind: 'family', familyId },
      toAgencyId: agency.police,
      dueAt: dueIn(7 * DAY),
      question: marker.question,
      why: marker.why,
    });
    expect(toPolice.notYetShared).toEqual([]);
    expect(toPolice.request).toMatchObject({
      subject: { kind: 'family', familyId },
      toAgency: { id: agency.police, name: 'Constabulary' },
      requestedBy: { userId: lead.id, agencyId: agency.council, agencyName: 'County Council' },
      state: 'requested',
      overdue: false,
      response: null,
      decline: null,
      yourPart: 'requester',
      actions: ['withdraw'],
    });
    const toHealth = (await ask(agency.health, 'Health visits this year?')).request;

    // The conversation holds the lead worker and each agency's admins, nobody else.
    const members = (await lead.client.channel(toPolice.request.channelId)).members;
    expect(members.map((m) => [m.userId, m.role]).sort()).toEqual(
      [
        [lead.id, 'chair'],
        [policeAdmin.id, 'member'],
      ].sort(),
    );
    expect((await lead.client.channel(toPolice.request.channelId)).kind).toBe('information_request');

    // The police admin finds it in the inbox and reads the question; the lead worker has it in the outbox.
    const inbox = await policeAdmin.client.informationRequests({ box: 'inbox' });
    expect(inbox.map((r) => r.id)).toEqual([toPolice.request.id]);
    expect(inbox[0]).toMatchObject({ yourPart: 'agency_admin', actions: ['accept', 'assign', 'decline'] });
    expect(inbox[0].subject.kind).toBe('family');
    expect(inbox[0].subject.reference).toMatch(/^EH-/);
    expect((await lead.client.informationRequests({ box: 'outbox' })).map((r) => r.id).sort()).toEqual(
      [toPolice.request.id, toHealth.id].sort(),
    );
    expect(await lead.client.informationRequests({ box: 'inbox' })).toEqual([]);
    expect((await policeAdminS.openInformationRequest(inbox[0])).question).toEqual({
      question: marker.question,
      why: marker.why,
    });

    // Accepted, then assigned to an officer, who joins the conversation and can read the question.
    const accepted = await policeAdmin.client.acceptInformationRequest(toPolice.request.id);
    expect(accepted.state).toBe('accepted');
    expect(accepted.acceptedAt).not.toBeNull();
    const { request: assigned, keysShared } = await policeAdminS.assignInformationRequest(accepted, officer.id);
    expect(keysShared).toBeGreaterThan(0);
    expect(assigned.assignee).toEqual({ userId: officer.id, displayName: 'officer person' });
    expect((await officer.client.informationRequests({ box: 'inbox' })).map((r) => r.id)).toEqual([assigned.id]);
    const seen = await officer.client.informationRequest(assigned.id);
    expect(seen).toMatchObject({ yourPart: 'assignee', actions: ['provide', 'decline'] });
    expect((await officerS.openInformationRequest(seen)).question.question).toBe(marker.question);

    // The officer provides; the lead worker reads it.
    const provided = await officerS.provideInformation(seen, { text: marker.response, files: [] });
    expect(provided).toMatchObject({ state: 'provided', answeredBy: { userId: officer.id } });
    expect(provided.answeredAt).not.toBeNull();
    const forLead = await lead.client.informationRequest(provided.id);
    expect(forLead.actions).toEqual(['close']);
    expect((await leadS.openInformationRequest(forLead)).response).toEqual({ text: marker.response, files: [] });

    // Health declines with a reason; the lead worker reads it, checked against the declared length.
    const healthView = (await healthAdmin.client.informationRequests())[0];
    const declined = await healthAdminS.declineInformationRequest(healthView, `  ${marker.explanation}: no consent  `);
    const reason = `${marker.explanation}: no consent`;
    expect(declined).toMatchObject({ state: 'declined', decline: { explanationLength: [...reason].length } });
    const opened = await leadS.openInformationRequest(await lead.client.informationRequest(declined.id));
    expect(opened.decline).toEqual({ text: reason, declaredLength: [...reason].length, warning: null });

    // The lead worker closes both; nothing more can happen to them.
    expect((await lead.client.closeInformationRequest(provided.id)).state).toBe('closed');
    expect((await lead.client.closeInformationRequest(declined.id)).actions).toEqual([]);

    // Every request and answer is a sharing decision in the family's register, and audited.
    const register = await lead.client.consentRegister(familyId);
    const decisions = register.decisions.filter((d) => d.what.startsWith('information_'));
    expect(decisions.map((d) => [d.what, d.agencyId, d.outcome, d.basis, d.informationRequestId])).toEqual([
      ['information_requested', agency.police, 'shared', 'consent', provided.id],
      ['information_requested', agency.health, 'shared', 'lawful_basis', declined.id],
      ['information_provided', agency.police, 'shared', 'lead_agency', provided.id],
      ['information_declined', agency.health, 'refused', 'none', declined.id],
    ]);
    const { rows: audit } = await t.sql(
      "SELECT action, actor_user_id FROM audit_events WHERE target_type = 'information_request' AND target_id = $1 ORDER BY seq",
      [provided.id],
    );
    expect(audit).toEqual([
      { action: 'information_request.created', actor_user_id: lead.id },
      { action: 'information_request.accepted', actor_user_id: policeAdmin.id },
      { action: 'information_request.assigned', actor_user_id: policeAdmin.id },
      { action: 'information_request.provided', actor_user_id: officer.id },
      { action: 'information_request.closed', actor_user_id: lead.id },
    ]);

    // Each change of state was told to the conversation as it happened.
    for (let i = 0; i < 100 && heard.length < 7; i++) await new Promise((r) => setTimeout(r, 20));
    expect(heard.filter((e) => e.requestId === provided.id).map((e) => e.state)).toEqual([
      'requested',
      'accepted',
      'accepted',
      'provided',
      'closed',
    ]);

    // Nothing asked, answered or explained is in the database in clear.
    const dump = await dumpDatabase(t.databaseUrl);
    for (const m of Object.values(marker)) for (const form of markerForms(m)) expect(dump).not.toContain(form);
  });

  it('the agency’s admins hear a new request at once: they join its conversation live, on the socket they already have', async () => {
    const rt = new RealtimeConnection(t.baseUrl, policeAdmin.client.token!);
    sockets.push(rt);
    await rt.connect();
    const added: RealtimeEventMap['member.added'][] = [];
    const updated: RealtimeEventMap['information_request.updated'][] = [];
    rt.on('member.added', (e) => added.push(e));
    rt.on('information_request.updated', (e) => updated.push(e));
    const { request } = await ask(agency.police);
    for (let i = 0; i < 100 && !updated.length; i++) await new Promise((r) => setTimeout(r, 20));
    expect(added).toContainEqual({ channelId: request.channelId, userId: policeAdmin.id, role: 'member' });
    expect(updated).toEqual([{ channelId: request.channelId, requestId: request.id, state: 'requested' }]);
  });

  it('an answer carries files: encrypted here, uploaded into the request’s conversation with progress, read back only by the two sides', async () => {
    const content = `File-Content-${randomUUID()}`;
    const name = `police-record-${randomUUID()}.pdf`;
    // About 150 kB (three pieces) with a marker at its start, and a small second file.
    const big = Buffer.concat([Buffer.from(content), Buffer.alloc(150_000, 0x42)]);
    const small = Buffer.from('A short note.');
    async function* chunksOf(b: Buffer) {
      for (let i = 0; i < b.length; i += 40_000) {
        await Promise.resolve();
        yield new Uint8Array(b.subarray(i, i + 40_000));
      }
    }
    const readAll = async (gen: AsyncIterable<Uint8Array>) => {
      const parts: Buffer[] = [];
      for await (const p of gen) parts.push(Buffer.from(p));
      return Buffer.concat(parts);
    };
    const { request } = await ask(agency.police);
    const accepted = await policeAdmin.client.acceptInformationRequest(request.id);

    // An answer without words is refused before any file is sent.
    const before = await countOf(t, 'SELECT count(*)::int AS n FROM attachments WHERE channel_id = $1', [
      request.channelId,
    ]);
    await expect(
      policeAdminS.provideInformation(
        accepted,
        { text: '  ' },
        {
          files: [{ source: chunksOf(small), name: 'note.txt', mediaType: 'text/plain', size: small.length }],
        },
      ),
    ).rejects.toThrow('Write what your agency holds before sending it.');
    expect(
      await countOf(t, 'SELECT count(*)::int AS n FROM attachments WHERE channel_id = $1', [request.channelId]),
    ).toBe(before);

    const progress: [number, number][] = [];
    const provided = await policeAdminS.provideInformation(
      accepted,
      { text: 'Two reports attached.' },
      {
        files: [
          { source: chunksOf(big), name, mediaType: 'application/pdf', size: big.length },
          { source: chunksOf(small), name: 'note.txt', mediaType: 'text/plain', size: small.length },
        ],
        onProgress: (i, p) => progress.push([i, p.bytes]),
      },
    );
    expect(provided.state).toBe('provided');
    // Progress for each file, by its index, up to its whole size.
    expect(progress.filter(([i]) => i === 0).at(-1)).toEqual([0, big.length]);
    expect(progress.filter(([i]) => i === 1).at(-1)).toEqual([1, small.length]);
    expect(progress.findIndex(([i]) => i === 1)).toBeGreaterThan(progress.findLastIndex(([i]) => i === 0));

    // The lead worker opens the answer, and the files in it, byte for byte.
    const opened = await leadS.openInformationRequest(await lead.client.informationRequest(provided.id));
    expect(opened.response?.text).toBe('Two reports attached.');
    const files = opened.response!.files!;
    expect(files.map((f) => [f.name, f.mediaType, f.size])).toEqual([
      [name, 'application/pdf', big.length],
      ['note.txt', 'text/plain', small.length],
    ]);
    expect((await readAll(leadS.downloadFile(files[0]))).equals(big)).toBe(true);
    expect((await readAll(leadS.downloadFile(files[1]))).equals(small)).toBe(true);
    // Kept with the request, in its conversation; nobody outside it can fetch them.
    const { rows } = await t.sql('SELECT purpose, channel_id FROM attachments WHERE id = ANY($1::uuid[])', [
      files.map((f) => f.attachmentId),
    ]);
    expect(rows).toEqual([
      { purpose: 'record', channel_id: request.channelId },
      { purpose: 'record', channel_id: request.channelId },
    ]);
    await refused(readAll(teacherS.downloadFile(files[0])), 403, 'not_a_member');

    // Neither the file's content nor its name is in the database in clear.
    const dump = await dumpDatabase(t.databaseUrl);
    for (const m of [content, name]) for (const form of markerForms(m)) expect(dump).not.toContain(form);
  });

  it('refuses a decline without a reason, or with one too short, and changes nothing', async () => {
    const { request } = await ask(agency.police);
    const explanation = (text: string) =>
      policeAdminS.sealField(request.channelId, 'information-decline', { text }, { recordId: request.id });
    const plainWords = 'Explain in at least a sentence why your agency will not share this — 20 characters or more.';

    let err = await refused(policeAdmin.client.declineInformationResponse(request.id, {}), 400, 'explanation_required');
    expect(err.message).toBe(plainWords);
    err = await refused(
      policeAdmin.client.declineInformationResponse(request.id, { explanation: await explanation('No.') }),
      400,
      'explanation_required',
    );
    expect(err.message).toBe(plainWords);
    await refused(
      policeAdmin.client.declineInformationResponse(request.id, {
        explanation: await explanation('No.'),
        explanationLength: 3,
      }),
      400,
      'explanation_required',
    );
    // A length declared that the sealed bytes cannot hold: 300 characters in 64 bytes of padded body.
    await refused(
      policeAdmin.client.declineInformationResponse(request.id, {
        explanation: await explanation('No.'),
        explanationLength: 300,
      }),
      400,
      'explanation_required',
    );
    // Nor far more bytes than the length declared could fill.
    await refused(
      policeAdmin.client.declineInformationResponse(request.id, {
        explanation: await explanation('x'.repeat(2000)),
        explanationLength: 20,
      }),
      400,
      'validation_failed',
    );
    // The SDK refuses a short one before sending: blank space does not count.
    await expect(policeAdminS.declineInformationRequest(request, '   no    way   at  all   ')).rejects.toBeInstanceOf(
      DeclineExplanationError,
    );

    expect(await row(request.id)).toMatchObject({
      state: 'requested',
      explanation_ciphertext: null,
      answered_by: null,
    });
    const decisions = (await lead.client.consentRegister(familyId)).decisions;
    expect(decisions.filter((d) => d.informationRequestId === request.id).map((d) => d.what)).toEqual([
      'information_requested',
    ]);
  });

  it('a client that declares a longer reason than it wrote passes the server’s size check but is flagged to the requester', async () => {
    const { request } = await ask(agency.police);
    // Three characters sealed, twenty declared: both fit in the smallest padded size, so the server
    // (which cannot read it) accepts it; the requester's client opens it and says what is wrong.
    const declined = await policeAdmin.client.declineInformationResponse(request.id, {
      explanation: await policeAdminS.sealField(
        request.channelId,
        'information-decline',
        { text: 'No.' },
        { recordId: request.id },
      ),
      explanationLength: 20,
    });
    const opened = await leadS.openInformationRequest(await lead.client.informationRequest(declined.id));
    expect(opened.decline).toMatchObject({ text: 'No.', declaredLength: 20 });
    expect(opened.decline!.warning).toMatch(/3 characters long, but 20 were declared/);

    // Twenty characters declared and sealed, but mostly spaces: the rule is about words, not length.
    const second = (await ask(agency.police)).request;
    const spaces = 'No.' + ' '.repeat(17);
    const declinedSpaces = await policeAdmin.client.declineInformationResponse(second.id, {
      explanation: await policeAdminS.sealField(
        second.channelId,
        'information-decline',
        { text: spaces },
        { recordId: second.id },
      ),
      explanationLength: 20,
    });
    const openedSpaces = await leadS.openInformationRequest(await lead.client.informationRequest(declinedSpaces.id));
    expect(openedSpaces.decline!.warning).toMatch(/fewer than 20 characters that are not spaces/);
  });

  it('lets only the agency’s admins and the assignee answer, only the asker withdraw or close, and no one else see it', async () => {
    const { request } = await ask(agency.police);

    // Someone of the police who is neither an admin nor the assignee: told so, and can do nothing.
    await refused(constable.client.informationRequest(request.id), 403, 'not_request_answerer');
    await refused(constable.client.acceptInformationRequest(request.id), 403, 'not_request_answerer');
    expect(await constable.client.informationRequests()).toEqual([]);

    // A third agency cannot learn it exists, nor read its conversation.
    await refused(teacher.client.informationRequest(request.id), 404, 'not_found');
    await refused(teacher.client.acceptInformationRequest(request.id), 404, 'not_found');
    await refused(teacher.client.channel(request.channelId), 403, 'not_a_member');
    await expect(teacherS.openInformationRequest(request)).rejects.toThrow();
    expect(await teacher.client.informationRequests()).toEqual([]);

    // The asker cannot answer; the agency cannot withdraw or close; the assignee cannot assign.
    await refused(lead.client.acceptInformationRequest(request.id), 403, 'not_request_answerer');
    await refused(policeAdmin.client.withdrawInformationRequest(request.id), 403, 'requester_only');
    await policeAdmin.client.acceptInformationRequest(request.id);
    await refused(
      leadS.provideInformation(request, { text: 'answering my own question' }),
      403,
      'not_request_answerer',
    );
    await refused(policeAdmin.client.closeInformationRequest(request.id), 403, 'requester_only');

    // Assigned only to an active person of the agency asked.
    await refused(policeAdmin.client.assignInformationRequest(request.id, { userId: teacher.id }), 403, 'other_agency');
    await refused(policeAdmin.client.assignInformationRequest(request.id, { userId: randomUUID() }), 404, 'not_found');
    await policeAdminS.assignInformationRequest(request, officer.id);
    await refused(
      officer.client.assignInformationRequest(request.id, { userId: constable.id }),
      403,
      'not_request_answerer',
    );
    expect((await row(request.id)).assignee_user_id).toBe(officer.id);

    // An admin who joined the agency after the request was sent is not in its conversation: what they
    // send cannot be read by both sides, so it is refused even under the conversation's current key. They
    // join by assigning it to themselves.
    const lateAdmin = await w.person(agency.police, 'agency_admin', 'late-admin');
    await leadS.send(request.channelId, 'Any news?');
    const { currentEpoch } = await lead.client.channel(request.channelId);
    await refused(
      lateAdmin.client.provideInformationResponse(request.id, {
        response: { epoch: currentEpoch, ciphertext: Buffer.alloc(104, 1).toString('base64url') },
      }),
      403,
      'not_a_member',
    );
    expect((await row(request.id)).response_ciphertext).toBeNull();

    // Nobody is added to or removed from the conversation by hand, not even by its chair.
    await refused(lead.client.addMember(request.channelId, { userId: colleague.id }), 409, 'request_channel');
    await refused(lead.client.removeMember(request.channelId, officer.id), 409, 'request_channel');

    // A user of an agency not party to the agreement is refused at the door.
    await refused(outsider.client.informationRequests(), 403, 'agency_not_signed');
    await refused(outsider.client.informationRequest(request.id), 403, 'agency_not_signed');
  });

  it('lets only the family’s lead worker ask, and only an agency party to the agreement with a basis to be told and someone to answer', async () => {
    const count = () => countOf(t, 'SELECT count(*)::int AS n FROM information_requests');
    const before = await count();
    const askAs = (s: SecureSession) =>
      s.sendInformationRequest({
        subject: { kind: 'family', familyId },
        toAgencyId: agency.police,
        dueAt: dueIn(DAY),
        question: 'q',
        why: 'w',
      });
    // Someone in the family's conversation who is not its lead worker.
    const colleagueS = await secureSession(colleague.client, 'colleague laptop', t);
    sessions.push(colleagueS);
    await refused(askAs(colleagueS), 403, 'lead_worker_only');
    // Someone who is not in the family's conversation at all.
    await refused(askAs(teacherS), 403, 'not_a_member');
    await refused(ask(agency.unsigned), 403, 'agency_not_signed');
    await refused(ask(agency.housing), 409, 'no_agency_admin');
    await refused(ask(agency.council), 400, 'validation_failed');
    // The school has neither consent nor a lawful basis: it may not be told of the family. The refusal
    // is a decision in the register all the same.
    await refused(ask(agency.school), 403, 'no_sharing_basis');
    const refusals = (await lead.client.consentRegister(familyId)).decisions.filter(
      (d) => d.what === 'information_requested' && d.outcome === 'refused',
    );
    expect(refusals.map((d) => [d.agencyId, d.basis, d.informationRequestId])).toEqual([[agency.school, 'none', null]]);
    expect(await count()).toBe(before);

    // The conversation must be a new information request one of the asker's, with no one else in it.
    const { request } = await ask(agency.police);
    const question = (channelId: string, id: string) =>
      leadS.sealField(channelId, 'information-request', { question: 'q', why: 'w' }, { recordId: id });
    const again = randomUUID();
    await refused(
      lead.client.createInformationRequest({
        id: again,
        channelId: request.channelId,
        subject: { kind: 'family', familyId },
        toAgencyId: agency.health,
        dueAt: dueIn(DAY),
        question: await question(request.channelId, again),
      }),
      409,
      'request_channel',
    );
    const family = await lead.client.family(familyId);
    await refused(
      lead.client.createInformationRequest({
        id: again,
        channelId: family.channelId,
        subject: { kind: 'family', familyId },
        toAgencyId: agency.health,
        dueAt: dueIn(DAY),
        question: await question(family.channelId, again),
      }),
      409,
      'wrong_channel_kind',
    );
    await refused(
      lead.client.createChannel({ kind: 'information_request', members: [{ userId: policeAdmin.id }] }),
      400,
      'validation_failed',
    );
    // An admin with no device yet cannot be given the question's key when it is sent: named, so that the
    // requester gives it once they have one.
    const toProbation = await ask(agency.probation, 'Anything on file?');
    expect(toProbation.notYetShared).toEqual([probationAdmin.id]);
    const probationS = await secureSession(probationAdmin.client, 'probation laptop', t);
    sessions.push(probationS);
    await expect(probationS.openInformationRequest(toProbation.request)).rejects.toThrow();
    expect(await leadS.shareRecordKeys(toProbation.request.channelId, probationAdmin.id)).toBeGreaterThan(0);
    expect((await probationS.openInformationRequest(toProbation.request)).question.question).toBe('Anything on file?');

    // A due time that has passed.
    await refused(
      leadS.sendInformationRequest({
        subject: { kind: 'family', familyId },
        toAgencyId: agency.police,
        dueAt: dueIn(-60_000),
        question: 'q',
        why: 'w',
      }),
      400,
      'validation_failed',
    );
  });

  it('refuses a transition from the wrong state (409) and changes nothing', async () => {
    const { request } = await ask(agency.police);
    // Provided before it was accepted; closed before an answer.
    await refused(policeAdminS.provideInformation(request, { text: 'too early' }), 409, 'invalid_status');
    await refused(lead.client.closeInformationRequest(request.id), 409, 'invalid_status');
    await policeAdmin.client.acceptInformationRequest(request.id);
    await refused(policeAdmin.client.acceptInformationRequest(request.id), 409, 'invalid_status');

    // Withdrawn: the answer that comes after is refused, and the request stays withdrawn.
    const withdrawn = await lead.client.withdrawInformationRequest(request.id);
    expect(withdrawn).toMatchObject({ state: 'withdrawn', actions: [] });
    expect(withdrawn.withdrawnAt).not.toBeNull();
    const err = await refused(policeAdminS.provideInformation(request, { text: 'too late' }), 409, 'invalid_status');
    expect(err.message).toContain('withdrawn');
    await refused(
      policeAdminS.declineInformationRequest(request, 'We would rather not share this now.'),
      409,
      'invalid_status',
    );
    await refused(lead.client.withdrawInformationRequest(request.id), 409, 'invalid_status');
    expect(await row(request.id)).toMatchObject({ state: 'withdrawn', response_ciphertext: null, answered_by: null });
    const decisions = (await lead.client.consentRegister(familyId)).decisions;
    expect(decisions.filter((d) => d.informationRequestId === request.id).map((d) => [d.what, d.outcome])).toEqual([
      ['information_requested', 'shared'],
      ['information_request_withdrawn', 'withdrawn'],
    ]);

    // Answered: it cannot be answered again, nor declined.
    const second = (await ask(agency.police)).request;
    await policeAdmin.client.acceptInformationRequest(second.id);
    await policeAdminS.provideInformation(second, { text: 'what we hold' });
    await refused(
      policeAdminS.declineInformationRequest(second, 'On second thoughts we cannot share it.'),
      409,
      'invalid_status',
    );
    await refused(lead.client.withdrawInformationRequest(second.id), 409, 'invalid_status');
  });

  it('flags a request overdue once, to both sides, when its due time passes unanswered (injected clock)', async () => {
    const { request } = await ask(agency.police, 'Overdue question', 2 * 60_000);
    const answered = (await ask(agency.police, 'Answered in time', 2 * 60_000)).request;
    await policeAdmin.client.acceptInformationRequest(answered.id);
    await policeAdminS.provideInformation(answered, { text: 'in time' });

    const heard: { who: string; e: RealtimeEventMap['information_request.updated'] }[] = [];
    for (const [who, p] of [
      ['lead', lead],
      ['police admin', policeAdmin],
    ] as const) {
      const rt = new RealtimeConnection(t.baseUrl, p.client.token!);
      sockets.push(rt);
      await rt.connect();
      rt.on('information_request.updated', (e) => {
        if (e.reminder) heard.push({ who, e });
      });
    }
    const overdue = t.app.get(InformationRequestOverdueService);
    await overdue.flagOverdue();
    expect((await lead.client.informationRequest(request.id)).overdue).toBe(false);

    t.clock.advance(3 * 60_000);
    expect((await lead.client.informationRequest(request.id)).overdue).toBe(true);
    expect((await policeAdmin.client.informationRequest(answered.id)).overdue).toBe(false);
    // Overdue first in the lists.
    expect((await policeAdmin.client.informationRequests({ box: 'inbox' }))[0].id).toBe(request.id);
    expect(await overdue.flagOverdue()).toBeGreaterThanOrEqual(1);
    expect(await overdue.flagOverdue()).toBe(0); // a second run (or another instance) flags nothing again
    for (let i = 0; i < 100 && heard.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    const mine = heard.filter((h) => h.e.requestId === request.id);
    expect(mine.map((h) => [h.who, h.e.reminder, h.e.state]).sort()).toEqual(
      [
        ['lead', 'overdue', 'requested'],
        ['police admin', 'overdue', 'requested'],
      ].sort(),
    );
    expect(heard.some((h) => h.e.requestId === answered.id)).toBe(false);
    const { rows } = await t.sql(
      "SELECT count(*)::int AS n FROM audit_events WHERE action = 'information_request.overdue' AND target_id = $1",
      [request.id],
    );
    expect(rows[0]).toEqual({ n: 1 });
  });
});
