import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateDeviceKeys } from '../client/sdk/crypto/device-keys.js';
import { identityFromSeed, newIdentitySeed, signDevice } from '../client/sdk/crypto/identity.js';
import { minutesTextHash, signMinutes } from '../client/sdk/crypto/minutes.js';
import {
  FileKeyStore,
  safetyNumber,
  signExport,
  type ActionDetailView,
  type ExportSigner,
  type FamilyView,
  type MeetingView,
  type SignedExport,
} from '../client/sdk/node.js';
import { CLI_PASSPHRASE, cliAs, cliPerson, json, type CliAccount } from './support/cli.js';
import { eventually } from './support/eventually.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World } from './support/world.js';

/**
 * A Family Meeting and a whole-family plan run entirely through the `strongroom` command, as a lead
 * worker and a police officer would: schedule, start, attendance, minutes, a decision, an action, close
 * (signed), amend, then export to a case record and check the export offline.
 */
describe('the strongroom CLI for meetings, minutes, actions, the plan and exports', () => {
  let t: TestApp;
  let w: World;
  const homes: string[] = [];
  let lead: CliAccount;
  let officer: CliAccount;
  let family: FamilyView;
  let meetingId: string;

  const tempDir = async (prefix: string) => {
    const d = await mkdtemp(path.join(os.tmpdir(), `sr-${prefix}-`));
    homes.push(d);
    return d;
  };
  const person = (agencyId: string, prefix: string) => cliPerson(t, w, agencyId, prefix, homes);
  const as = (p: CliAccount, argv: string[], env: Record<string, string> = {}) => cliAs(t, p, argv, env);
  const ok = async (p: CliAccount, argv: string[]) => {
    const r = await as(p, argv);
    if (r.code !== 0) throw new Error(`${argv.join(' ')} exited ${r.code}: ${r.err}${r.out}`);
    return r;
  };

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    const police = await w.agency('Police', { sector: 'police' });
    lead = await person(council, 'lead');
    officer = await person(police, 'officer');

    family = json<FamilyView>(await ok(lead, ['--json', 'families', 'create']));
    await ok(lead, ['families', 'add-member', family.ref, '--role', 'child', '--name', 'Sam Example']);
    await ok(lead, ['families', 'add-member', family.ref, '--role', 'parent', '--name', 'Alex Example']);
    for (const [member, by] of [
      ['M1', 'parent'],
      ['M2', 'self'],
    ]) {
      await ok(lead, ['consent', 'record', family.ref, member, '--by', by, '--form', 'v3', '--agency', 'Police']);
    }
    await ok(lead, ['channels', 'add', family.channelId, officer.email]);
  });
  afterAll(async () => {
    await t.close();
    for (const d of homes) await rm(d, { recursive: true, force: true });
  });

  it('runs a Family Meeting from the command line, through a signed close and an amendment', async () => {
    // A month ahead, so the action is still open (not overdue) whenever the test runs.
    const due = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const scheduled = json<MeetingView>(
      await ok(lead, [
        '--json',
        'meetings',
        'schedule',
        family.ref,
        '--kind',
        'family',
        '--at',
        'tomorrow 10:00',
        '--place',
        'Family Hub, room 2',
        '--agenda',
        'Welcome',
        'School attendance',
        '--invite',
        officer.email,
      ]),
    );
    meetingId = scheduled.id;
    const short = meetingId.slice(0, 8);
    expect(scheduled.status).toBe('scheduled');
    expect((await ok(officer, ['meetings', 'list'])).out).toMatch(
      new RegExp(`${short}\\s+family\\s+\\S+ \\S+\\s+scheduled\\s+family ${family.ref}\\s+lead person \\(Council\\)`),
    );
    const shown = await ok(officer, ['meetings', 'show', short]);
    expect(shown.out).toContain('Family Hub, room 2');
    expect(shown.out).toContain('2. School attendance');

    // Not started: no minutes. The refusal is the server's, in words.
    const early = await as(lead, ['minutes', 'edit', short, '--item', '1', '--notes', 'x']);
    expect(early.code).toBe(1);
    expect(early.err).toContain('invalid_status');

    await ok(lead, ['meetings', 'start', short]);
    await ok(lead, [
      'attendance',
      'set',
      short,
      '--present',
      lead.email,
      officer.email,
      '--family-present',
      'M2',
      '--family-absent',
      'M1',
    ]);
    expect((await ok(lead, ['minutes', 'edit', short, '--item', '1', '--notes', 'All introduced'])).out).toContain(
      'version 1',
    );
    await ok(lead, ['minutes', 'edit', short, '--item', 'school attendance', '--notes', 'Attendance improving']);
    await ok(lead, ['minutes', 'edit', short, '--item', '2', '--append', 'Walking bus suggested']);
    await ok(lead, ['minutes', 'edit', short, '--family-voice', 'Mornings are easier now']);
    const notOnAgenda = await as(lead, ['minutes', 'edit', short, '--item', 'Housing', '--notes', 'x']);
    expect(notOnAgenda.code).toBe(2);
    expect(notOnAgenda.err).toContain('not on the agenda');
    await ok(lead, ['decisions', 'add', short, '--item', '2', '--text', 'Weekly check-ins agreed']);
    const action = json<ActionDetailView>(
      await ok(lead, [
        '--json',
        'actions',
        'add',
        '--meeting',
        short,
        '--owner',
        officer.email,
        '--due',
        due,
        '--text',
        'Call the school',
        '--item',
        '2',
      ]),
    );
    expect(action).toMatchObject({ meetingId, ownerId: officer.id, dueOn: due, status: 'open' });

    // The officer sees the live minutes and their action, and moves it on.
    const draft = await ok(officer, ['minutes', 'show', short]);
    expect(draft.out).toContain('Draft minutes, version 4');
    expect(draft.out).toContain('Attendance improving\n\nWalking bus suggested');
    expect(draft.out).toContain('## The family’s voice\nMornings are easier now');
    // With the minutes, what the meeting recorded beside them: attendance, decisions, actions.
    expect(draft.out).toMatch(
      /## Attendance\nPresent: +lead person \(Council\), officer person \(Police\)\nApologies: +-\n/,
    );
    expect(draft.out).toContain(`Family present:     ${family.ref}-M2\nFamily not present: ${family.ref}-M1\n`);
    expect(draft.out).toContain('## Decisions\n2. School attendance\n- Weekly check-ins agreed\n');
    expect(draft.out).toMatch(
      new RegExp(
        `## Actions set in the meeting\\n.*\\n.*\\n${action.id.slice(0, 8)}\\s+open\\s+${due}\\s+you\\s+Call the school`,
      ),
    );
    const draftJson = json<{
      attendance: { people: { displayName: string; attendance: string | null }[]; family: unknown[] };
      decisions: { agendaItem: string; text: string }[];
      actions: { id: string; ownerId: string; dueOn: string; status: string; text: string }[];
    }>(await ok(officer, ['--json', 'minutes', 'show', short]));
    expect(draftJson.attendance.people.map((p) => p.attendance)).toEqual(['present', 'present']);
    expect(draftJson.attendance.family).toEqual([
      { memberRef: `${family.ref}-M1`, present: false },
      { memberRef: `${family.ref}-M2`, present: true },
    ]);
    expect(draftJson.decisions).toMatchObject([{ agendaItem: '2', text: 'Weekly check-ins agreed' }]);
    expect(draftJson.actions).toMatchObject([
      { id: action.id, ownerId: officer.id, dueOn: due, status: 'open', text: 'Call the school' },
    ]);
    const mine = await ok(officer, ['actions', 'mine']);
    expect(mine.out).toMatch(new RegExp(`${action.id.slice(0, 8)}\\s+open\\s+${due}\\s+you\\s+Call the school`));
    await ok(officer, ['actions', 'update', action.id.slice(0, 8), '--status', 'in_progress', '--note', 'Rang twice']);
    const history = await ok(officer, ['actions', 'show', action.id]);
    expect(history.out).toContain('open → in_progress');
    expect(history.out).toContain('Rang twice');

    // The officer goes on leave: the chair hands the action on, with a reason, on the record.
    const notChair = await as(officer, ['actions', 'reassign', action.id, lead.email]);
    expect(notChair.code).toBe(1);
    expect(notChair.err).toContain('chair_only');
    await ok(lead, ['actions', 'reassign', action.id, lead.email, '--reason', 'Officer on leave']);
    const handed = await ok(lead, ['actions', 'show', action.id]);
    expect(handed.out).toMatch(/reassigned \S.* \(Police\) → you/);
    expect(handed.out).toContain('Officer on leave');
    expect((await ok(officer, ['actions', 'mine'])).out).not.toContain('Call the school');
    expect((await ok(lead, ['actions', 'mine'])).out).toContain('Call the school');

    const closed = await ok(lead, ['meetings', 'close', short, '--yes']);
    expect(closed.out).toContain('The minutes (version 4) are signed by this device and locked');
    const locked = await as(lead, ['minutes', 'edit', short, '--item', '1', '--notes', 'Rewritten']);
    expect(locked.code).toBe(1);
    expect(locked.err).toContain('minutes_locked');
    await ok(lead, [
      'minutes',
      'amend',
      short,
      '--text',
      'Check-ins are fortnightly',
      '--reason',
      'Recorded wrongly',
      '--yes',
    ]);
    const final = await ok(officer, ['minutes', 'show', short]);
    expect(final.out).toContain('Final minutes, version 4: signature by the chair’s device checked.');
    expect(final.out).toMatch(/## Amendment 1 .*\nCheck-ins are fortnightly\nReason: Recorded wrongly/);
    expect(final.out).toContain('The chair’s signature covers the minutes above, not what follows');
    expect(final.out).toContain('## Decisions\n2. School attendance\n- Weekly check-ins agreed\n');
    // Handed on to the lead worker before the close: the officer sees it as the lead worker's.
    expect(final.out).toMatch(new RegExp(`in_progress\\s+${due}\\s+lead person \\(Council\\)\\s+Call the school`));
    const shownAfter = json<Omit<MeetingView, 'entries'> & { entries: { text: string }[] }>(
      await ok(officer, ['--json', 'meetings', 'show', short]),
    );
    expect(shownAfter.status).toBe('closed');
    expect(shownAfter.entries.map((e) => e.text)).toEqual([
      'Weekly check-ins agreed',
      `Call the school (owner ${officer.email}, due ${due})`,
    ]);
  });

  it('exports the meeting to a case record and verifies it offline; an edited copy fails', async () => {
    // A folder that does not exist yet is made, readable only by this person.
    const out = path.join(await tempDir('export'), 'case-records');
    const made = json<{ files: string[]; exportId: string }>(
      await ok(officer, ['--json', 'export', 'meeting', meetingId.slice(0, 8), '--out', out]),
    );
    expect(made.files.map((f) => path.extname(f)).sort()).toEqual(['.html', '.json']);
    expect((await readdir(out)).length).toBe(2);
    expect((await stat(out)).mode & 0o777).toBe(0o700);
    const htmlFile = made.files.find((f) => f.endsWith('.html'))!;
    const jsonFile = made.files.find((f) => f.endsWith('.json'))!;
    expect((await stat(htmlFile)).mode & 0o777).toBe(0o600);
    const doc = JSON.parse(await readFile(jsonFile, 'utf8')) as SignedExport;
    if (doc.kind !== 'meeting') throw new Error('expected a meeting export');
    expect(doc.exportId).toBe(made.exportId);
    const html = await readFile(htmlFile, 'utf8');
    expect(html).toContain('Weekly check-ins agreed');
    expect(html).toContain('Mornings are easier now');
    expect(html).toContain('<h2>Actions as minuted</h2>');

    // Intact, checked with nothing but the file from a home with no sign-in and no keys: consistent, but
    // nothing there vouches for who signed it, so it says so and exits 5.
    const stranger = { email: '', password: '', id: '', home: await tempDir('stranger') };
    const leadIdentity = (await new FileKeyStore(path.join(lead.home, 'keys')).publicIdentity(lead.id))!;
    const officerIdentity = (await new FileKeyStore(path.join(officer.home, 'keys')).publicIdentity(officer.id))!;
    for (const file of [htmlFile, jsonFile]) {
      const v = await as(stranger, ['export', 'verify', file]);
      expect(v.code).toBe(5);
      expect(v.out).not.toContain('FAIL');
      expect(v.out).toContain('ok    final minutes (version 4) signed by the chair’s device');
      expect(v.out).toContain('ok    the final minutes (version 4) are the text the chair signed');
      expect(v.out).toContain(`safety number ${await safetyNumber(leadIdentity)}`);
      expect(v.out).toContain('NOT anchored');
      expect(v.out).toContain('Nothing is proven until you compare the fingerprints above with the people named');
    }
    // An honest export verifies as anchored from a home that pinned the chair: the officer's (the chair's
    // identity pinned when they met, their own from their key store), and the chair's own.
    const fromOfficer = await as(officer, ['export', 'verify', htmlFile]);
    expect(fromOfficer.code).toBe(0);
    expect(fromOfficer.out).toContain('The export verifies, and every signer is anchored to a key you hold.');
    expect(fromOfficer.out).toMatch(
      /lead person \(Council\) signed the final minutes as chair\n.*\n.*\n +anchored: .*identity pinned on this computer when first met/,
    );
    expect(fromOfficer.out).toMatch(
      /officer person \(Police\) exported the record\n.*\n.*\n +anchored: .*your own identity key/,
    );
    expect((await as(lead, ['export', 'verify', jsonFile])).code).toBe(0);
    // Or with the keys given: both people's identity keys, on the command line or in a file.
    const expected = await as(stranger, [
      'export',
      'verify',
      jsonFile,
      '--key',
      leadIdentity,
      '--key',
      officerIdentity,
    ]);
    expect(expected.code).toBe(0);
    const keysFile = path.join(out, 'keys.json');
    await writeFile(keysFile, JSON.stringify([leadIdentity, doc.exportedBy.publicKey]));
    expect((await as(stranger, ['export', 'verify', jsonFile, '--trust', keysFile])).code).toBe(0);
    // Only the chair's key: the exporter is not vouched for.
    const chairOnly = await as(stranger, ['export', 'verify', jsonFile, '--key', doc.record.minutes.proof.publicKey]);
    expect(chairOnly.code).toBe(5);
    expect(chairOnly.out).toContain('anchored: its device key given with --key');
    const notAKey = await as(stranger, ['export', 'verify', jsonFile, '--key', 'not-a-key']);
    expect(notAKey.code).toBe(2);
    expect(notAKey.err).toContain('--key takes a public key');

    // Forged: the minutes' text edited ("FORGED: no concerns, close the case"), and the chair's minutes
    // signature, the signer list and the export re-signed with brand-new keys under the real people's ids.
    // Every signature in it checks; nothing vouches for those keys, so it is not anchored.
    const forged = JSON.parse(JSON.stringify(doc)) as SignedExport & { kind: 'meeting' };
    forged.record.minutes.document = { sections: [{ item: '1', notes: 'FORGED: no concerns, close the case' }] };
    const fresh = async (userId: string, deviceId: string) => {
      const identity = await identityFromSeed(await newIdentitySeed());
      const keys = await generateDeviceKeys();
      const d = { userId, deviceId, x25519PublicKey: keys.x25519.publicKey, ed25519PublicKey: keys.ed25519.publicKey };
      const signer: ExportSigner = {
        ...d,
        identityPublicKey: identity.publicKey,
        identitySignature: await signDevice(identity, d),
      };
      return { keys, signer };
    };
    const fakeChair = await fresh(lead.id, forged.record.minutes.proof.deviceId);
    const fakeExporter = await fresh(officer.id, forged.exportedBy.deviceId);
    const proof = forged.record.minutes.proof;
    proof.publicKey = fakeChair.keys.ed25519.publicKey;
    proof.textHash = await minutesTextHash(forged.record.minutes.document);
    proof.signature = await signMinutes(
      meetingId,
      'final',
      4,
      proof.textHash,
      proof.ciphertext,
      fakeChair.keys.ed25519.privateKey,
    );
    for (const a of forged.record.amendments) {
      a.proof.publicKey = fakeChair.keys.ed25519.publicKey;
      a.proof.signature = await signMinutes(
        meetingId,
        'amendment',
        a.number,
        a.proof.textHash,
        a.proof.ciphertext,
        fakeChair.keys.ed25519.privateKey,
      );
    }
    const { signature: _sig, ...unsigned } = forged;
    unsigned.exportedBy.publicKey = fakeExporter.keys.ed25519.publicKey;
    unsigned.signers = [fakeChair.signer, fakeExporter.signer];
    const forgedFile = path.join(out, 'forged.json');
    await writeFile(forgedFile, JSON.stringify(await signExport(unsigned, fakeExporter.keys.ed25519.privateKey)));
    for (const who of [officer, stranger]) {
      const v = await as(who, ['export', 'verify', forgedFile]);
      expect(v.code).toBe(5);
      expect(v.out).not.toContain('FAIL');
      expect(v.out).toContain('Nothing is proven until you compare the fingerprints above with the people named');
      expect(v.out).not.toContain('every signer is anchored');
    }
    expect((await as(officer, ['export', 'verify', forgedFile])).out).toContain(
      'WARNING: it contradicts what you hold',
    );

    // Edited and re-signed by a real member's own device: the export signature is theirs and anchored,
    // but the chair's signature covers the hash of the text the chair closed, so it is broken outright.
    const device = await new FileKeyStore(path.join(officer.home, 'keys')).load(officer.id, CLI_PASSPHRASE);
    const { signature: _sig2, ...edit } = JSON.parse(JSON.stringify(doc)) as SignedExport & { kind: 'meeting' };
    edit.record.minutes.document = { sections: [{ item: '1', notes: 'FORGED: no concerns, close the case' }] };
    const memberFile = path.join(out, 'member-edit.json');
    await writeFile(memberFile, JSON.stringify(await signExport(edit, device.keys.ed25519.privateKey)));
    const byMember = await as(officer, ['export', 'verify', memberFile]);
    expect(byMember.code).toBe(1);
    expect(byMember.out).toContain('FAIL  the final minutes (version 4) are the text the chair signed');
    expect(byMember.out).toContain('ok    signed by device');
    expect(byMember.out).toContain('does NOT verify');

    const edited = path.join(out, 'edited.html');
    await writeFile(edited, html.replace('Weekly check-ins agreed', 'Monthly check-ins agreed'));
    const bad = await as(stranger, ['export', 'verify', edited]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('FAIL  the readable page shows exactly the signed record');
    expect(bad.out).toContain('does NOT verify');
    const badJson = await as(stranger, ['--json', 'export', 'verify', edited]);
    expect(json<{ valid: boolean; status: string }>(badJson)).toMatchObject({ valid: false, status: 'invalid' });

    // An existing file is not overwritten unless asked.
    const again = await as(officer, ['export', 'meeting', meetingId, '--out', out]);
    expect(again.code).toBe(2);
    expect(again.err).toContain('already exists');
  });

  it('keeps the whole-family plan from the command line, links an action to it, and exports it', async () => {
    const first = await ok(lead, [
      'plan',
      'edit',
      family.ref,
      '--objective',
      'new',
      '--text',
      'Sam attends school every day',
      '--outcome',
      '95% attendance',
      '--measure',
      'School register',
    ]);
    expect(first.out).toContain('version 1');
    const second = await ok(lead, [
      'plan',
      'edit',
      family.ref,
      '--objective',
      '2',
      '--text',
      'Stable housing',
      '--cover',
      'M1',
      '--review-on',
      '2027-02-01',
    ]);
    expect(second.out).toContain('version 2; review by 2027-02-01');
    expect(second.out).toContain(`Not covered yet: ${family.ref}-M2`);
    const notLead = await as(officer, ['plan', 'edit', family.ref, '--family-voice', 'x']);
    expect(notLead.code).toBe(1);
    expect(notLead.err).toContain('lead_worker_only');

    await ok(officer, ['plan', 'progress', family.ref, '--objective', '1', '--report', 'No missed days']);
    await ok(lead, [
      'plan',
      'progress',
      family.ref,
      '--objective',
      'Sam attends school every day',
      '--report',
      'Easier now',
      '--family',
    ]);
    const unknown = await as(lead, ['plan', 'progress', family.ref, '--objective', 'school', '--report', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('The plan has no objective "school"');
    await ok(lead, [
      'actions',
      'add',
      '--in',
      family.ref,
      '--owner',
      lead.email,
      '--due',
      '2027-01-15',
      '--text',
      'Walking bus referral',
      '--objective',
      '1',
    ]);
    const listed = await ok(officer, ['actions', 'list', family.ref]);
    expect(listed.out).toContain('Walking bus referral');
    expect(listed.out).toContain('Call the school');

    const shown = await ok(officer, ['plan', 'show', family.ref]);
    expect(shown.out).toMatch(/1\s+Sam attends school every day\s+95% attendance\s+School register/);
    expect(shown.out).toContain(`Not covered: ${family.ref}-M2 (parent)`);
    expect(shown.out).toContain('No missed days');
    expect(shown.out).toMatch(/1\s+the family\s+\S+\s+Easier now/);
    expect(shown.out).toMatch(/1\s+you\s+\S+\s+No missed days/);

    // A review of the plan, its note encrypted here; the officer (neither lead worker nor chair) may not.
    const day = t.clock.now().toISOString().slice(0, 10);
    const review = ['plan', 'review', family.ref, '--on', day];
    const reviewed = await ok(lead, [...review, '--outcome', 'partly_met', '--note', 'Housing still open']);
    expect(reviewed.out).toContain(`(version 2) on ${day}: the plan’s outcomes were partly met`);
    const notLeadReview = await as(officer, [...review, '--outcome', 'met']);
    expect(notLeadReview.code).toBe(1);
    expect(notLeadReview.err).toContain('lead_worker_only');
    const badOutcome = await as(lead, [...review, '--outcome', 'done']);
    expect(badOutcome.code).toBe(2);
    expect(badOutcome.err).toContain('--outcome is one of met, partly_met, not_met');
    expect(json<{ outcome: string }>(await ok(lead, ['--json', ...review, '--outcome', 'met']))).toMatchObject({
      outcome: 'met',
      planVersion: 2,
    });
    const withReviews = await ok(officer, ['plan', 'show', family.ref]);
    expect(withReviews.out).toMatch(
      new RegExp(`${day}\\s+2\\s+partly met\\s+lead person \\(Council\\)\\s+Housing still open`),
    );

    const out = await tempDir('plan-export');
    const made = json<{ files: string[] }>(
      await ok(officer, ['--json', 'export', 'plan', family.ref, '--out', out, '--format', 'json']),
    );
    expect(made.files).toHaveLength(1);
    const doc = JSON.parse(await readFile(made.files[0], 'utf8')) as SignedExport;
    if (doc.kind !== 'family-plan') throw new Error('expected a plan export');
    expect(doc.record.plan.reviewOn).toBe('2027-02-01');
    expect(doc.record.actions.map((a) => a.description)).toEqual(['Walking bus referral']);
    expect((await as(officer, ['export', 'verify', made.files[0]])).code).toBe(0);
    const verified = await as(officer, ['export', 'verify', made.files[0]]);
    expect(verified.out).toContain('ok    version 2 of the plan signed by its author’s device');
    expect(verified.out).toContain('ok    the family members shown as covered are the ones the author signed');
    expect(shown.out).toMatch(/Saved by:\s+lead person \(Council\), \S+, signed by their device/);

    // A database writer puts the parent back under the plan and moves its review: the plan is shown,
    // flagged, with exit 6, and cannot be exported as a signed record.
    await t.sql(
      `UPDATE family_plan_versions
          SET covered_member_ids = (SELECT array_agg(id) FROM family_members WHERE family_id = $1), review_on = '2028-01-01'
        WHERE family_id = $1 AND version = 2`,
      [family.id],
    );
    const tampered = await as(officer, ['plan', 'show', family.ref]);
    expect(tampered.code).toBe(6);
    expect(tampered.out).toContain('NOT VERIFIED');
    expect(tampered.err).toContain(
      'The review date or the family members this plan covers were changed on the server after its author signed it.',
    );
    const refusedExport = await as(officer, ['export', 'plan', family.ref, '--out', out]);
    expect(refusedExport.code).not.toBe(0);
    expect(refusedExport.err).toContain('cannot be exported as a signed record');
    const warnedEdit = await as(lead, ['plan', 'edit', family.ref, '--family-voice', 'We are doing better']);
    expect(warnedEdit.code).toBe(0);
    expect(warnedEdit.err).toContain('Warning: version 2 of the plan: The review date or the family members');
    // The new version is signed over what the lead worker saw and saved, so it holds again.
    expect((await as(officer, ['plan', 'show', family.ref])).code).toBe(0);
  });

  it('refuses a meeting time in the past unless --past says it already happened', async () => {
    const schedule = (at: string, ...more: string[]) =>
      as(lead, ['meetings', 'schedule', family.ref, '--kind', 'family', '--at', at, ...more]);
    const past = await schedule('2026-01-05T10:00');
    expect(past.code).toBe(2);
    expect(past.err).toContain('That time is in the past (2026-01-05 10:00, it is now');
    expect(past.err).toContain('use --past to record a meeting that already happened');
    const pastJson = await as(lead, [
      '--json',
      'meetings',
      'schedule',
      family.ref,
      '--kind',
      'family',
      '--at',
      '2026-01-05T10:00',
    ]);
    expect(json<{ error: { code: string } }>(pastJson).error.code).toBe('in_the_past');
    const before = json<unknown[]>(await ok(lead, ['--json', 'meetings', 'list']));

    const recorded = json<MeetingView>(
      await ok(lead, [
        '--json',
        'meetings',
        'schedule',
        family.ref,
        '--kind',
        'family',
        '--at',
        '2026-01-05T10:00',
        '--past',
      ]),
    );
    expect(new Date(recorded.scheduledAt).getTime()).toBe(new Date(2026, 0, 5, 10, 0).getTime());
    // The refusals made nothing: only the meeting recorded with --past is new.
    expect(json<unknown[]>(await ok(lead, ['--json', 'meetings', 'list']))).toHaveLength(before.length + 1);

    const future = await schedule('tomorrow 09:00', '--past');
    expect(future.code).toBe(2);
    expect(future.err).toContain('--past is for a meeting that already happened, but');
  });

  it('lists each meeting with the family it is for, or the title of its channel', async () => {
    const locality = json<{ id: string }>(
      await ok(lead, [
        '--json',
        'channels',
        'create',
        '--kind',
        'locality_meeting',
        '--title',
        'North locality',
        '--member',
        officer.email,
      ]),
    );
    const m = json<MeetingView>(
      await ok(lead, [
        '--json',
        'meetings',
        'schedule',
        'North locality',
        '--kind',
        'locality',
        '--at',
        'tomorrow 14:00',
        '--invite',
        officer.email,
      ]),
    );
    const list = await ok(officer, ['meetings', 'list']);
    expect(list.out).toMatch(/ID\s+KIND\s+WHEN \(LOCAL TIME\)\s+STATUS\s+FAMILY OR CHANNEL\s+CHAIR/);
    // In local time, as --at took it (the JSON keeps the server's UTC timestamp).
    expect(list.out).toMatch(
      new RegExp(
        `${m.id.slice(0, 8)}\\s+locality\\s+\\d{4}-\\d{2}-\\d{2} 14:00\\s+scheduled\\s+North locality\\s+lead person`,
      ),
    );
    expect(list.out).toMatch(
      new RegExp(`${meetingId.slice(0, 8)}\\s+family\\s+\\S+ \\S+\\s+closed\\s+family ${family.ref}\\s`),
    );
    const rows = json<{ id: string; familyRef: string | null; channel: string }[]>(
      await ok(officer, ['--json', 'meetings', 'list', '--channel', locality.id]),
    );
    expect(rows).toEqual([expect.objectContaining({ id: m.id, familyRef: null, channel: 'North locality' })]);
    const familyRows = json<{ familyRef: string | null }[]>(
      await ok(lead, ['--json', 'meetings', 'list', '--channel', family.ref]),
    );
    expect(familyRows.length).toBeGreaterThan(0);
    expect(familyRows.every((r) => r.familyRef === family.ref)).toBe(true);
  });

  describe('minutes edit in the person’s editor', () => {
    let short: string;
    let dir: string;
    let script: string;
    let plans = 0;

    /**
     * A stand-in for a person at their editor, run by the CLI as EDITOR: it records what it was given
     * (the text, the file's and folder's modes), waits for a go-ahead file if told to, makes its edits
     * and exits with the code it is told.
     */
    const EDITOR_SCRIPT = `
      import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
      import path from 'node:path';
      const [planFile, file] = process.argv.slice(2);
      const plan = JSON.parse(readFileSync(planFile, 'utf8'));
      const text = readFileSync(file, 'utf8');
      const mode = (p) => statSync(p).mode & 0o777;
      writeFileSync(plan.record, JSON.stringify({ file, text, mode: mode(file), dirMode: mode(path.dirname(file)) }));
      while (plan.waitFor && !existsSync(plan.waitFor)) await new Promise((r) => setTimeout(r, 50));
      let out = text;
      for (const [from, to] of plan.replace ?? []) out = out.split(from).join(to);
      writeFileSync(file, out);
      process.exit(plan.exitCode ?? 0);
    `;
    interface Seen {
      file: string;
      text: string;
      mode: number;
      dirMode: number;
    }
    /** EDITOR for one run of the stand-in, and where it records what it saw. */
    const editor = async (plan: { replace?: [string, string][]; waitFor?: string; exitCode?: number }) => {
      const n = ++plans;
      const record = path.join(dir, `seen-${n}.json`);
      const planFile = path.join(dir, `plan-${n}.json`);
      await writeFile(planFile, JSON.stringify({ ...plan, record }));
      return {
        env: { EDITOR: `'${process.execPath}' '${script}' '${planFile}'` },
        seen: async () => JSON.parse(await readFile(record, 'utf8')) as Seen,
      };
    };
    const gone = (file: string) =>
      stat(path.dirname(file)).then(
        () => false,
        () => true,
      );

    beforeAll(async () => {
      dir = await tempDir('editor');
      script = path.join(dir, 'editor.mjs');
      await writeFile(script, EDITOR_SCRIPT);
      const m = json<MeetingView>(
        await ok(lead, [
          '--json',
          'meetings',
          'schedule',
          family.ref,
          '--kind',
          'family',
          '--at',
          'tomorrow 11:00',
          '--agenda',
          'Welcome',
          'School attendance',
          'Housing',
          '--invite',
          officer.email,
        ]),
      );
      short = m.id.slice(0, 8);
      const early = await as(lead, ['minutes', 'edit', short], { EDITOR: 'true' });
      expect(early.code).toBe(2);
      expect(early.err).toContain(
        `The meeting has not started: the chair starts it with \`strongroom meetings start ${short}\``,
      );
      await ok(lead, ['meetings', 'start', short]);
      await ok(lead, [
        'minutes',
        'edit',
        short,
        '--item',
        '2',
        '--notes',
        '# 1 priority: mornings\nSchool is calling daily',
      ]);
    });

    it('opens a readable template in a private file, saves what was typed as a new version, and removes the file', async () => {
      const e = await editor({
        replace: [
          ['## 1. Welcome\n', '## 1. Welcome\nEveryone introduced themselves\n# (a note to myself, left out)\n'],
          ['## The family’s voice\n', '## The family’s voice\nThe mornings are still hard\n'],
        ],
      });
      const r = await as(lead, ['minutes', 'edit', short], e.env);
      expect(r.code).toBe(0);
      expect(r.out).toBe('Saved minutes version 2.\n');
      const seen = await e.seen();
      expect(seen.mode).toBe(0o600);
      expect(seen.dirMode).toBe(0o700);
      expect(await gone(seen.file)).toBe(true);
      expect(seen.text).toContain(`# Minutes of the family meeting of `);
      expect(seen.text).toContain('(id ' + short + '), from version 1.');
      expect(seen.text).toContain('Lines that start with a single # (like these) are left out of the minutes.');
      // The notes decrypted here; a line of notes that starts with # is marked so it is not taken for a comment.
      expect(seen.text).toContain(
        '\n## 1. Welcome\n\n## 2. School attendance\n\\# 1 priority: mornings\nSchool is calling daily\n\n## 3. Housing\n\n## The family’s voice\n',
      );
      const shown = await ok(officer, ['minutes', 'show', short]);
      expect(shown.out).toContain('Draft minutes, version 2');
      expect(shown.out).toContain('## Welcome\nEveryone introduced themselves\n');
      expect(shown.out).toContain('## School attendance\n# 1 priority: mornings\nSchool is calling daily\n');
      expect(shown.out).toContain('## The family’s voice\nThe mornings are still hard\n');
      expect(shown.out).not.toContain('a note to myself');

      // An editor command with arguments of its own, through VISUAL before EDITOR: sed edits in place.
      const sed = await as(lead, ['minutes', 'edit', short], {
        VISUAL: `sed -i -e 's/^The mornings are still hard$/The mornings are easier now/'`,
        EDITOR: 'false',
      });
      expect(sed.code).toBe(0);
      expect(sed.out).toBe('Saved minutes version 3.\n');
      expect((await ok(lead, ['minutes', 'show', short])).out).toContain(
        '## The family’s voice\nThe mornings are easier now\n',
      );
    });

    it('saves nothing when nothing changed, or only comments did', async () => {
      for (const env of [{ EDITOR: 'true' }, { EDITOR: `sed -i -e 's/^# Write the notes/# I read the notes/'` }]) {
        const r = await as(lead, ['minutes', 'edit', short], env);
        expect(r.code).toBe(0);
        expect(r.out).toBe('No changes: nothing saved.\n');
      }
      expect(json<MeetingView>(await ok(lead, ['--json', 'meetings', 'show', short])).minutes?.version).toBe(3);
    });

    it('keeps what was typed when a heading was broken, and saves it from there once mended', async () => {
      const e = await editor({
        replace: [['## 3. Housing\n', '## 3. Housng\nThe landlord has agreed to repairs\n']],
      });
      const r = await as(lead, ['minutes', 'edit', short], e.env);
      expect(r.code).toBe(2);
      expect(r.err).toContain('"## 3. Housng", is not a heading of these minutes: the headings are "## 1. Welcome"');
      expect(r.err).toContain('Nothing was saved.');
      const kept = /What you typed is kept in (\S+) \(only you can read it\)/.exec(r.err)?.[1];
      expect(kept).toBeDefined();
      expect(kept!.startsWith(path.join(lead.home, 'kept'))).toBe(true);
      expect(r.err).toContain(`strongroom minutes edit ${short} --from-file ${kept}`);
      expect((await stat(kept!)).mode & 0o777).toBe(0o600);
      const text = await readFile(kept!, 'utf8');
      expect(text).toContain('The landlord has agreed to repairs');
      expect(await gone((await e.seen()).file)).toBe(true);
      expect(json<MeetingView>(await ok(lead, ['--json', 'meetings', 'show', short])).minutes?.version).toBe(3);

      // --json names the code and where the text is, for a script.
      const again = await editor({ replace: [['## 3. Housing\n', '## Housing?\n']] });
      const asJson = json<{ error: { code: string; details: { keptIn: string } } }>(
        await as(lead, ['--json', 'minutes', 'edit', short], again.env),
      );
      expect(asJson.error.code).toBe('minutes_template');
      expect(await readFile(asJson.error.details.keptIn, 'utf8')).toContain('## Housing?');

      await writeFile(kept!, text.replace('## 3. Housng', '## 3. Housing'));
      expect((await ok(lead, ['minutes', 'edit', short, '--from-file', kept!])).out).toBe('Saved minutes version 4.\n');
      expect((await ok(officer, ['minutes', 'show', short])).out).toContain(
        '## Housing\nThe landlord has agreed to repairs\n',
      );
    });

    it('keeps what was typed when someone else saved the minutes while the editor was open', async () => {
      const go = path.join(dir, 'go');
      const e = await editor({ waitFor: go, replace: [['## 1. Welcome\n', '## 1. Welcome\nMine, typed slowly\n']] });
      const slow = as(lead, ['minutes', 'edit', short], e.env);
      await eventually(() => e.seen());
      await ok(lead, ['minutes', 'edit', short, '--item', 'Housing', '--append', 'Repairs start Monday']);
      await writeFile(go, '');
      const r = await slow;
      expect(r.code).toBe(1);
      expect(r.err).toContain('minutes_conflict');
      const kept = /What you typed is kept in (\S+) /.exec(r.err)?.[1];
      expect(await readFile(kept!, 'utf8')).toContain('Mine, typed slowly');
      expect(await gone((await e.seen()).file)).toBe(true);
      const shown = (await ok(lead, ['minutes', 'show', short])).out;
      expect(shown).toContain('Draft minutes, version 5');
      expect(shown).not.toContain('Mine, typed slowly');
    });

    it('says what to do when there is no editor to open, it fails, or the person may not write the minutes', async () => {
      const none = await as(lead, ['minutes', 'edit', short]);
      expect(none.code).toBe(2);
      expect(none.err).toContain('There is no terminal here to open an editor in. Set EDITOR to an editor command');
      expect(none.err).toContain('--item with --notes or --append, --family-voice, or --from-file');

      const missing = await as(lead, ['minutes', 'edit', short], { EDITOR: 'no-such-editor-here' });
      expect(missing.code).toBe(2);
      expect(missing.err).toContain('The editor "no-such-editor-here" could not be started');

      const failed = await as(lead, ['minutes', 'edit', short], { EDITOR: 'false' });
      expect(failed.code).toBe(2);
      expect(failed.err).toContain('The editor stopped with an error (exit code 1), so nothing was saved.');
      expect(failed.err).not.toContain('kept');

      const typedThenFailed = await editor({
        exitCode: 3,
        replace: [['## 1. Welcome\n', '## 1. Welcome\nHalf a thought\n']],
      });
      const r = await as(lead, ['minutes', 'edit', short], typedThenFailed.env);
      expect(r.code).toBe(2);
      expect(r.err).toContain('exit code 3');
      const kept = /What you typed is kept in (\S+) /.exec(r.err)?.[1];
      expect(await readFile(kept!, 'utf8')).toContain('Half a thought');

      const notMinuter = await as(officer, ['minutes', 'edit', short], { EDITOR: 'true' });
      expect(notMinuter.code).toBe(2);
      expect(notMinuter.err).toContain('Only the chair or the minute-taker can write the minutes.');
      expect(json<MeetingView>(await ok(lead, ['--json', 'meetings', 'show', short])).minutes?.version).toBe(5);
    });
  });

  it('explains itself: help for each new command group', async () => {
    for (const group of ['meetings', 'minutes', 'attendance', 'decisions', 'actions', 'plan', 'export']) {
      const help = await as(lead, [group, '--help']);
      expect(help.code).toBe(0);
      expect(help.out).toMatch(/Usage: strongroom \S+/);
    }
    const verifyHelp = await as(lead, ['export', 'verify', '--help']);
    expect(verifyHelp.out).toContain('--trust <file>');
    expect(verifyHelp.out).toMatch(/5 it is intact but not every signer is anchored/);
    const usage = await as(lead, ['actions', 'add', '--owner', lead.email, '--due', '2027-01-01', '--text', 'x']);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('--meeting or --in');
  });
});
