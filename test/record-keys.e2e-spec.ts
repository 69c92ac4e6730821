import { randomUUID } from 'node:crypto';
import { newObjectiveId, RecordExporter, type SecureSession } from '../client/sdk/index.js';
import { MemoryTrustStore, SecureSession as Session } from '../client/sdk/index.js';
import type { SealedField } from '../contracts/common.js';
import { RetentionService } from '../src/retention/retention.service.js';
import { countOf } from './support/db.js';
import { refused } from './support/refused.js';
import { secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World, type Person } from './support/world.js';

/**
 * Keys live as long as what they open (issue 11, part 1). The expiry job destroys the keys of epochs
 * nothing needs; sealed records (family members' names, minutes, actions, the plan…) use the same
 * epochs as chat, so a channel with records and little chat used to lose every key its records needed
 * after a few rotations — the signed final minutes unreadable to everyone, the chair included.
 */
describe('keys of epochs that live records need are never destroyed', () => {
  let t: TestApp;
  let w: World;
  let lead: Person;
  let officer: Person;
  let teacher: Person;
  let leadS: SecureSession;
  let officerS: SecureSession;
  const opened: SecureSession[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    lead = await w.person(council, 'practitioner', 'lead');
    officer = await w.person(council, 'practitioner', 'officer');
    teacher = await w.person(council, 'practitioner', 'teacher');
    leadS = await secureSession(lead.client, 'lead laptop', t);
    officerS = await secureSession(officer.client, 'officer laptop', t);
    await secureSession(teacher.client, 'teacher laptop', t).then((s) => opened.push(s));
  });
  afterAll(async () => {
    for (const s of [leadS, officerS, ...opened]) s?.close();
    await t.close();
  });

  it('every table with a sealed column is covered by the record_epochs view the expiry job consults', async () => {
    const { rows: columns } = await t.sql(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
         JOIN information_schema.tables tb ON tb.table_name = c.table_name AND tb.table_schema = c.table_schema
        WHERE c.table_schema = 'public' AND tb.table_type = 'BASE TABLE'
          AND (c.column_name = 'epoch' OR c.column_name LIKE '%\\_epoch')`,
    );
    // Key bookkeeping and chat, which the job handles itself; every other epoch column is a sealed record.
    const notRecords = new Set([
      'channels.current_epoch',
      'channel_epochs.epoch',
      'key_envelopes.epoch',
      'messages.epoch',
    ]);
    const sealed = (columns as { table_name: string; column_name: string }[])
      .map((c) => `${c.table_name}.${c.column_name}`)
      .filter((c) => !notRecords.has(c));
    expect(sealed.length).toBeGreaterThanOrEqual(13);
    const { rows } = await t.sql("SELECT pg_get_viewdef('record_epochs'::regclass) AS def");
    const def = (rows[0] as { def: string }).def;
    for (const column of sealed) {
      const [table, name] = column.split('.');
      // Each source is named in the view: `table.field` for a `field_epoch` column, `table` for `epoch`.
      const source = name === 'epoch' ? `'${table}'` : `'${table}.${name.replace(/_epoch$/, '')}'`;
      expect({ column, covered: def.includes(source) }).toEqual({ column, covered: true });
    }
  });

  it('a family channel with records and no chat keeps every key they need through rotations and expiry runs', async () => {
    const f = await lead.client.createFamily();
    await lead.client.addMember(f.channelId, { userId: officer.id });
    const names = ['Sam Carter', 'Alex Carter', 'Jo Carter'];
    const members = [];
    for (const [i, name] of names.entries()) {
      // Each new member (with its details) marks the channel for a new key: one rotation each.
      const memberId = randomUUID();
      members.push(
        await leadS.sealedWrite(async () =>
          lead.client.addFamilyMember(f.id, {
            id: memberId,
            role: i === 0 ? 'child' : 'parent',
            details: await leadS.sealField(f.channelId, 'family-member', { name }, { recordId: memberId }),
          }),
        ),
      );
    }
    const meetingId = randomUUID();
    const meeting = await lead.client.scheduleMeeting({
      id: meetingId,
      channelId: f.channelId,
      kind: 'family',
      scheduledAt: new Date(t.clock.now().getTime() + 3_600_000).toISOString(),
      place: await leadS.sealField(f.channelId, 'meeting-place', { text: 'Family Hub' }, { recordId: meetingId }),
      agenda: await leadS.sealField(f.channelId, 'meeting-agenda', [{ id: 'plan', title: 'The plan' }], {
        recordId: meetingId,
      }),
      invitees: [officer.id],
    });
    await lead.client.startMeeting(meeting.id);
    const minutes = { sections: [{ item: 'plan', notes: 'Attendance up to 92%' }], familyVoice: 'We are trying' };
    await leadS.saveMinutes(meeting.id, minutes, 0);
    const entryId = randomUUID();
    await lead.client.addMeetingEntry(meeting.id, {
      id: entryId,
      agendaItem: 'plan',
      kind: 'decision',
      content: await leadS.sealField(f.channelId, 'meeting-entry', { text: 'Weekly check-ins' }, { recordId: entryId }),
    });
    const actionId = randomUUID();
    const action = await lead.client.createAction({
      id: actionId,
      channelId: f.channelId,
      meetingId: meeting.id,
      description: await leadS.sealField(
        f.channelId,
        'action',
        { text: 'Book the school nurse' },
        { recordId: actionId },
      ),
      ownerId: officer.id,
      dueOn: t.clock.now().toISOString().slice(0, 10),
    });
    await leadS.closeMeeting(meeting.id);
    await leadS.amendMinutes(meeting.id, { text: 'Check-ins are fortnightly', reason: 'Recorded wrongly' });
    const plan = { objectives: [{ id: newObjectiveId(), objective: 'Sam at school every day' }] };
    await leadS.savePlan(f, {
      baseVersion: 0,
      document: plan,
      reviewOn: '2027-03-01',
      coveredMemberIds: members.map((m) => m.id),
    });

    // More rotations: a fourth family member, a new professional in and out, each a new key.
    const memberId = randomUUID();
    await leadS.sealedWrite(async () =>
      lead.client.addFamilyMember(f.id, {
        id: memberId,
        role: 'other',
        details: await leadS.sealField(f.channelId, 'family-member', { name: 'Gran' }, { recordId: memberId }),
      }),
    );
    await lead.client.addMember(f.channelId, { userId: teacher.id });
    await leadS.rotate(f.channelId);
    await lead.client.removeMember(f.channelId, teacher.id);
    await leadS.rotate(f.channelId);
    expect((await lead.client.channel(f.channelId)).currentEpoch).toBeGreaterThanOrEqual(6);

    const retention = t.app.get(RetentionService);
    for (let run = 0; run < 3; run++) {
      t.clock.advance(61_000);
      await retention.expireMessages();
    }
    // Epochs that nothing needs (none here is chat-only, so possibly none) may go; the rest stay.
    const { rows: needed } = await t.sql('SELECT DISTINCT epoch FROM record_epochs WHERE channel_id = $1', [
      f.channelId,
    ]);
    for (const { epoch } of needed as { epoch: number }[]) {
      expect(
        await countOf(t, 'SELECT count(*)::int AS n FROM key_envelopes WHERE channel_id = $1 AND epoch = $2', [
          f.channelId,
          epoch,
        ]),
      ).toBeGreaterThan(0);
    }

    // Fresh processes (no key in memory) for the lead worker and the officer: everything opens.
    for (const [who, device] of [
      [lead, leadS.device],
      [officer, officerS.device],
    ] as const) {
      const s = new Session(who.client, device, new MemoryTrustStore(), () => t.clock.now());
      opened.push(s);
      const family = await who.client.family(f.id);
      const details = await Promise.all(
        family.members.map((m) =>
          s.openField(f.channelId, 'family-member', m.details as SealedField, { recordId: m.id }),
        ),
      );
      expect(details.map((d) => d.name)).toEqual([...names, 'Gran']);
      const m = await who.client.meeting(meeting.id);
      expect(await s.openField(f.channelId, 'meeting-place', m.place!, { recordId: m.id })).toEqual({
        text: 'Family Hub',
      });
      const verified = await s.verifiedMinutes(meeting.id, m);
      expect(verified.document).toEqual(minutes);
      expect(verified.amendments.map((a) => a.text)).toEqual(['Check-ins are fortnightly']);
      expect(
        await s.openField(f.channelId, 'meeting-entry', m.entries[0].content, { recordId: m.entries[0].id }),
      ).toEqual({
        text: 'Weekly check-ins',
      });
      const a = await who.client.action(action.id);
      expect(await s.openField(f.channelId, 'action', a.description, { recordId: a.id })).toEqual({
        text: 'Book the school nurse',
      });
      const p = await who.client.familyPlan(f.id);
      expect(await s.openField(f.channelId, 'family-plan', p.plan!, { recordId: f.id, version: 1 })).toEqual(plan);
      const exported = await new RecordExporter(s).meeting(meeting.id);
      expect(JSON.stringify(exported)).toContain('Attendance up to 92%');
    }
  });

  it('a newcomer added to a family channel reads the names, plan, actions and minutes, and no chat from before', async () => {
    const f = await lead.client.createFamily();
    await lead.client.addMember(f.channelId, { userId: officer.id });
    const memberId = randomUUID();
    const child = await leadS.sealedWrite(async () =>
      lead.client.addFamilyMember(f.id, {
        id: memberId,
        role: 'child',
        details: await leadS.sealField(f.channelId, 'family-member', { name: 'Robin Hale' }, { recordId: memberId }),
      }),
    );
    await leadS.send(f.channelId, 'chat from before the newcomer joined');
    const actionId = randomUUID();
    const action = await lead.client.createAction({
      id: actionId,
      channelId: f.channelId,
      description: await leadS.sealField(
        f.channelId,
        'action',
        { text: 'Home visit on Monday' },
        { recordId: actionId },
      ),
      ownerId: officer.id,
      dueOn: t.clock.now().toISOString().slice(0, 10),
    });
    const plan = { objectives: [{ id: newObjectiveId(), objective: 'Robin feels safe at home' }] };
    await leadS.savePlan(f, { baseVersion: 0, document: plan, reviewOn: '2027-03-01', coveredMemberIds: [child.id] });
    const meeting = await lead.client.scheduleMeeting({
      channelId: f.channelId,
      kind: 'family',
      scheduledAt: new Date(t.clock.now().getTime() + 3_600_000).toISOString(),
      invitees: [officer.id],
    });
    await lead.client.startMeeting(meeting.id);
    const minutes = { sections: [{ item: 'welcome', notes: 'Robin spoke about school' }] };
    await leadS.saveMinutes(meeting.id, minutes, 0);
    await leadS.closeMeeting(meeting.id);
    await leadS.rotate(f.channelId);
    await leadS.send(f.channelId, 'more chat before the newcomer joined');

    const nurse = await w.person((await w.agencies.list())[0].id, 'practitioner', 'nurse');
    const nurseS = await secureSession(nurse.client, 'nurse laptop', t);
    opened.push(nurseS);
    const { recordKeysShared } = await leadS.addMember(f.channelId, { userId: nurse.id });
    expect(recordKeysShared).toBeGreaterThan(0);
    await leadS.send(f.channelId, 'welcome, nurse');

    const family = await nurse.client.family(f.id);
    expect(
      await nurseS.openField(f.channelId, 'family-member', family.members[0].details!, {
        recordId: family.members[0].id,
      }),
    ).toEqual({
      name: 'Robin Hale',
    });
    const a = await nurse.client.action(action.id);
    expect(await nurseS.openField(f.channelId, 'action', a.description, { recordId: a.id })).toEqual({
      text: 'Home visit on Monday',
    });
    const p = await nurse.client.familyPlan(f.id);
    expect(await nurseS.openField(f.channelId, 'family-plan', p.plan!, { recordId: f.id, version: 1 })).toEqual(plan);
    expect((await nurseS.verifiedMinutes(meeting.id)).document).toEqual(minutes);
    // Chat stays need-to-know from the join.
    expect((await nurseS.readAll(f.channelId)).map((m) => m.content?.body)).toEqual(['welcome, nurse']);
    expect(
      await countOf(
        t,
        "SELECT count(*)::int AS n FROM audit_events WHERE action = 'channel.record_keys_shared' AND target_id = $1",
        [f.channelId],
      ),
    ).toBe(1);
  });

  it('a key share claimed as the case record but for a chat-only period is refused and stores nothing', async () => {
    const channelId = await leadS.createChannel({ kind: 'professionals_meeting', members: [{ userId: officer.id }] });
    await leadS.send(channelId, 'only chat under this key');
    const epoch = (await lead.client.channel(channelId)).currentEpoch;
    await lead.client.addMember(channelId, { userId: teacher.id });
    const teacherDevice = (await lead.client.channelDevices(channelId)).devices.find((d) => d.userId === teacher.id)!;
    const before = await countOf(t, 'SELECT count(*)::int AS n FROM key_envelopes WHERE device_id = $1', [
      teacherDevice.deviceId,
    ]);
    const key = await leadS.keyFor(channelId, epoch);
    const { sealEpochKey } = await import('../client/sdk/crypto/channel-crypto.js');
    const sealed = await sealEpochKey(key, channelId, epoch, teacherDevice, {
      deviceId: leadS.deviceId,
      x25519PrivateKey: leadS.device.keys.x25519.privateKey,
    });
    await refused(
      lead.client.shareRecordKeys(channelId, {
        fromDeviceId: leadS.deviceId,
        envelopes: [{ epoch, deviceId: teacherDevice.deviceId, sealed }],
      }),
      409,
      'not_a_record_epoch',
    );
    expect(
      await countOf(t, 'SELECT count(*)::int AS n FROM key_envelopes WHERE device_id = $1', [teacherDevice.deviceId]),
    ).toBe(before);
  });

  it('fields swapped between records in the database open for no one: members’ details, actions, plan versions', async () => {
    const f = await lead.client.createFamily();
    await lead.client.addMember(f.channelId, { userId: officer.id });
    const member = async (name: string, dateOfBirth: string) => {
      const id = randomUUID();
      return leadS.sealedWrite(async () =>
        lead.client.addFamilyMember(f.id, {
          id,
          role: 'child',
          details: await leadS.sealField(f.channelId, 'family-member', { name, dateOfBirth }, { recordId: id }),
        }),
      );
    };
    const [sam, alex] = [await member('Sam', '2013-01-01'), await member('Alex', '2016-02-02')];
    const action = async (text: string) => {
      const id = randomUUID();
      return lead.client.createAction({
        id,
        channelId: f.channelId,
        description: await leadS.sealField(f.channelId, 'action', { text }, { recordId: id }),
        ownerId: officer.id,
        dueOn: t.clock.now().toISOString().slice(0, 10),
      });
    };
    const [safe, unsafe] = [await action('No further concerns'), await action('Refer to children’s social care')];
    // A record id the client made is the record's for good: a second record under it is refused, not a 500.
    await refused(
      lead.client.createAction({
        id: safe.id,
        channelId: f.channelId,
        description: await leadS.sealField(f.channelId, 'action', { text: 'again' }, { recordId: safe.id }),
        ownerId: officer.id,
        dueOn: t.clock.now().toISOString().slice(0, 10),
      }),
      409,
      'record_exists',
    );
    const planV = (version: number, objective: string) =>
      leadS.savePlan(f, {
        baseVersion: version - 1,
        document: { objectives: [{ id: newObjectiveId(), objective }] },
        reviewOn: '2027-03-01',
        coveredMemberIds: [sam.id, alex.id],
      });
    await planV(1, 'Keep Sam safe at home');
    await planV(2, 'Close the case');

    // The database writer swaps each pair's sealed bytes (ciphertext and key period together).
    const swap = async (table: string, cols: [string, string], key: string, a: unknown, b: unknown) => {
      const [c, e] = cols;
      await t.sql(
        `UPDATE ${table} x SET ${c} = y.${c}, ${e} = y.${e} FROM ${table} y
          WHERE (x.${key}, y.${key}) IN (($1, $2), ($2, $1))`,
        [a, b],
      );
    };
    await swap('family_members', ['details_ciphertext', 'details_epoch'], 'id', sam.id, alex.id);
    await swap('actions', ['description_ciphertext', 'description_epoch'], 'id', safe.id, unsafe.id);
    await t.sql(
      `UPDATE family_plan_versions x SET ciphertext = y.ciphertext, epoch = y.epoch FROM family_plan_versions y
        WHERE x.family_id = $1 AND y.family_id = $1 AND x.version <> y.version`,
      [f.id],
    );

    const s = new Session(officer.client, officerS.device, new MemoryTrustStore(), () => t.clock.now());
    opened.push(s);
    const family = await officer.client.family(f.id);
    for (const m of family.members) {
      await expect(s.openField(f.channelId, 'family-member', m.details!, { recordId: m.id })).rejects.toThrow(
        /does not open as part of this record/,
      );
    }
    for (const a of [safe, unsafe]) {
      const stored = await officer.client.action(a.id);
      await expect(s.openField(f.channelId, 'action', stored.description, { recordId: a.id })).rejects.toThrow(
        /does not open as part of this record/,
      );
    }
    const p = await officer.client.familyPlan(f.id);
    await expect(
      s.openField(f.channelId, 'family-plan', p.plan!, { recordId: f.id, version: p.plan!.version }),
    ).rejects.toThrow(/does not open as part of this record/);
  });
});
