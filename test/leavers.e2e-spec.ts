import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  RealtimeConnection,
  StrongroomClient,
  type NotificationView,
  type SecureSession,
} from '../client/sdk/index.js';
import { AgencyWithdrawalsService } from '../src/agencies/agency-withdrawals.service.js';
import { eventually } from './support/eventually.js';
import { refused } from './support/refused.js';
import { secureSession } from './support/secure.js';
import { startInstance, startTestApp, type TestApp } from './support/test-app.js';
import { totpAt, World, type Person } from './support/world.js';

const DAY = 86_400_000;

/**
 * Leavers and withdrawals carried through (ISA 8.4.2, 12) on a running system of two instances, with
 * live sockets: a leaver disabled while connected is cut off and leaves every channel (the next key
 * leaves their devices out); their open actions and the families they lead are listed for hand-over,
 * reassigned to a named colleague who hears of it at once on the other instance and finds it in their
 * notifications; an agency's withdrawal, applied by the job, does the same for each of its people and
 * tells every partner agency's admins and the ISA team. Nothing a leaver held is silently dropped.
 */
describe('leavers and withdrawals: hand-over and notifications', () => {
  let t: TestApp;
  let second: { app: NestExpressApplication; baseUrl: string };
  let w: World;
  let council: string;
  let police: string;
  let isaAdmin: Person;
  let councilAdmin: Person;
  let policeAdmin: Person;
  let chair: Person;
  let cole: Person;
  let chairS: SecureSession;
  let channelId: string;
  const sessions: SecureSession[] = [];
  const sockets: RealtimeConnection[] = [];

  const dateIn = (days: number) => new Date(t.clock.now().getTime() + days * DAY).toISOString().slice(0, 10);

  /** A socket for `p` on the second instance, keeping every `notification` it hears. */
  async function listenOnSecond(p: Person): Promise<{ rt: RealtimeConnection; heard: NotificationView[] }> {
    const client = new StrongroomClient(second.baseUrl);
    await client.login({ email: p.email, password: p.password, ...(p.totpSecret ? { totp: await totp(p) } : {}) });
    const rt = new RealtimeConnection(second.baseUrl, client.token!);
    const heard: NotificationView[] = [];
    rt.on('notification', (n) => heard.push(n));
    await rt.connect();
    sockets.push(rt);
    return { rt, heard };
  }
  const totp = (p: Person) => {
    t.clock.advance(30_000); // a code works once: move to the next time step
    return totpAt(p.totpSecret!, t);
  };

  /** An open action in the chair's channel, owned by `ownerId`. */
  async function actionFor(ownerId: string): Promise<string> {
    const id = randomUUID();
    await chair.client.createAction({
      id,
      channelId,
      description: await chairS.sealField(channelId, 'action', { text: 'Call the school' }, { recordId: id }),
      ownerId,
      dueOn: dateIn(7),
    });
    return id;
  }

  beforeAll(async () => {
    t = await startTestApp();
    second = await startInstance(t.databaseUrl, t.clock);
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    police = await w.agency('Police', { sector: 'police' });
    isaAdmin = await w.person(council, 'isa_admin', 'isa');
    councilAdmin = await w.person(council, 'agency_admin', 'council-admin');
    policeAdmin = await w.person(police, 'agency_admin', 'police-admin');
    chair = await w.person(council, 'practitioner', 'chair');
    cole = await w.person(police, 'practitioner', 'cole');
    chairS = await secureSession(chair.client, 'chair laptop', t);
    sessions.push(chairS);
    channelId = await chairS.createChannel({ kind: 'locality_meeting', members: [{ userId: cole.id }] });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const s of sessions) s.close();
    await second.app.close();
    await t.close();
  });

  it('a leaver disabled while connected: cut off, out of every channel with a new key, actions and family handed over, the new holder told live and in the list', async () => {
    const lee = await w.person(police, 'practitioner', 'lee');
    const leeS = await secureSession(lee.client, 'lee phone', t);
    sessions.push(leeS);
    await chair.client.addMember(channelId, { userId: lee.id });
    await chairS.send(channelId, 'while lee is here');
    const actionId = await actionFor(lee.id);
    const family = await lee.client.createFamily();
    await lee.client.addMember(family.channelId, { userId: cole.id });
    const epochBefore = (await chair.client.channel(channelId)).currentEpoch;

    const leeRt = await leeS.connect();
    const reasons: string[] = [];
    leeRt.onDisconnect((r) => reasons.push(r));
    const admin = await listenOnSecond(policeAdmin);
    const coleLive = await listenOnSecond(cole);

    await policeAdmin.client.disableUser(lee.id);

    // Cut at once by the server, and out of the channel: the next message goes under a key lee's devices lack.
    await eventually(() => expect(leeRt.connected).toBe(false));
    expect(reasons).toEqual(['io server disconnect']);
    expect((await chair.client.channel(channelId)).members.map((m) => m.userId)).not.toContain(lee.id);
    await chairS.send(channelId, 'after lee left');
    expect((await chair.client.channel(channelId)).currentEpoch).toBe(epochBefore + 1);
    const { rows: leeKeys } = await t.sql(
      'SELECT DISTINCT epoch FROM key_envelopes WHERE channel_id = $1 AND device_id = $2',
      [channelId, leeS.deviceId],
    );
    expect(leeKeys.map((r: { epoch: number }) => r.epoch)).toEqual([epochBefore]);

    // Their agency's admin is told, live on the other instance, what waits to be handed over.
    await eventually(() =>
      expect(admin.heard.map((n) => [n.kind, n.refs])).toEqual(
        expect.arrayContaining([
          ['hand_over_needed', { userId: lee.id, agencyId: police }],
          ['lead_worker_left', { familyId: family.id, channelId: family.channelId, userId: lee.id }],
        ]),
      ),
    );
    expect((await policeAdmin.client.notifications({ unread: true })).map((n) => n.kind).sort()).toEqual([
      'hand_over_needed',
      'lead_worker_left',
    ]);

    // The family's members see it flagged until a new lead worker is set.
    expect((await cole.client.family(family.id)).leadHandOverNeeded).toBe(true);

    const before = await policeAdmin.client.leaverHandOver(lee.id);
    expect(before).toMatchObject({
      leaving: true,
      actions: [{ id: actionId, channelId, status: 'open' }],
      families: [{ id: family.id, ref: family.ref, channelId: family.channelId }],
    });

    const after = await policeAdmin.client.handOverLeaversAction(lee.id, actionId, cole.id);
    expect(after.actions).toEqual([]);
    const action = await chair.client.action(actionId);
    expect(action.ownerId).toBe(cole.id);
    expect(action.updates.at(-1)).toMatchObject({
      kind: 'reassigned',
      fromUserId: lee.id,
      toUserId: cole.id,
      authorId: policeAdmin.id,
    });
    await eventually(() =>
      expect(coleLive.heard).toContainEqual(
        expect.objectContaining({ kind: 'action_assigned', refs: { actionId, channelId, fromUserId: lee.id } }),
      ),
    );
    expect(await cole.client.notifications({ unread: true })).toEqual([
      expect.objectContaining({ kind: 'action_assigned', refs: { actionId, channelId, fromUserId: lee.id } }),
    ]);

    const done = await policeAdmin.client.handOverLeaversFamily(lee.id, family.id, cole.id);
    expect(done.families).toEqual([]);
    const handed = await cole.client.family(family.id);
    expect(handed.leadWorker.userId).toBe(cole.id);
    expect(handed.leadHandOverNeeded).toBe(false);
    await eventually(() =>
      expect(coleLive.heard.map((n) => n.kind)).toEqual(['action_assigned', 'lead_worker_assigned']),
    );

    // On the record: who handed what to whom, with ids only.
    const { rows: audit } = await t.sql(
      `SELECT action, details FROM audit_events WHERE action IN ('action.reassigned', 'family.lead_changed')
        AND actor_user_id = $1 ORDER BY seq`,
      [policeAdmin.id],
    );
    expect(audit).toEqual([
      { action: 'action.reassigned', details: { from: lee.id, to: cole.id, handOver: true } },
      { action: 'family.lead_changed', details: { from: lee.id, to: cole.id, handOver: true } },
    ]);

    // Reading: one, then all; someone else's notification is not found.
    const [first] = await cole.client.notifications();
    expect(await cole.client.markNotificationRead(first.id)).toEqual({ marked: 1 });
    expect(await cole.client.unreadNotifications()).toEqual({ unread: 1 });
    await refused(policeAdmin.client.markNotificationRead(first.id), 404, 'not_found');
    expect(await cole.client.markAllNotificationsRead()).toEqual({ marked: 1 });
    expect(await cole.client.notifications({ unread: true })).toEqual([]);
    expect((await cole.client.notifications()).every((n) => n.readAt !== null)).toBe(true);
  });

  it('refuses a hand-over to a disabled user, to someone outside the agreement, by a non-admin or another agency’s admin, and of a person still active; nothing changes', async () => {
    const leaver = await w.person(police, 'practitioner', 'leaver');
    const gone = await w.person(police, 'practitioner', 'gone');
    const stays = await w.person(police, 'practitioner', 'stays');
    const unsigned = await w.agency(`Unsigned ${randomUUID().slice(0, 8)}`, { signed: false });
    const outsider = await w.account(unsigned, 'practitioner', 'outsider');
    const newcomer = await w.person(council, 'practitioner', 'newcomer');
    for (const p of [leaver, gone, stays]) await chair.client.addMember(channelId, { userId: p.id });
    const actionId = await actionFor(leaver.id);
    const staysAction = await actionFor(stays.id);
    await policeAdmin.client.disableUser(gone.id);
    await policeAdmin.client.disableUser(leaver.id);

    await refused(policeAdmin.client.handOverLeaversAction(leaver.id, actionId, gone.id), 409, 'user_not_active');
    await refused(policeAdmin.client.handOverLeaversAction(leaver.id, actionId, outsider.id), 403, 'agency_not_signed');
    await refused(
      policeAdmin.client.handOverLeaversAction(leaver.id, actionId, newcomer.id),
      409,
      'not_a_channel_member',
    );
    await refused(cole.client.handOverLeaversAction(leaver.id, actionId, cole.id), 403, 'forbidden_role');
    await refused(cole.client.leaverHandOver(leaver.id), 403, 'forbidden_role');
    await refused(councilAdmin.client.handOverLeaversAction(leaver.id, actionId, cole.id), 403, 'other_agency');
    await refused(councilAdmin.client.leaverHandOver(leaver.id), 403, 'other_agency');
    await refused(policeAdmin.client.handOverLeaversAction(stays.id, staysAction, cole.id), 409, 'not_leaving');
    await refused(policeAdmin.client.handOverLeaversAction(leaver.id, staysAction, cole.id), 409, 'not_held_by_leaver');
    await refused(policeAdmin.client.handOverLeaversAction(leaver.id, randomUUID(), cole.id), 404, 'not_found');

    expect((await chair.client.action(actionId)).ownerId).toBe(leaver.id);
    expect((await chair.client.action(staysAction)).ownerId).toBe(stays.id);
    expect((await policeAdmin.client.leaverHandOver(leaver.id)).actions.map((a) => a.id)).toEqual([actionId]);
    const { rows } = await t.sql(
      "SELECT count(*)::int AS n FROM notifications WHERE kind = 'action_assigned' AND user_id = ANY ($1::uuid[])",
      [[gone.id, outsider.id, newcomer.id]],
    );
    expect(rows[0]).toEqual({ n: 0 });

    // The ISA team can do it for any agency's leaver.
    await isaAdmin.client.handOverLeaversAction(leaver.id, actionId, stays.id);
    expect((await chair.client.action(actionId)).ownerId).toBe(stays.id);
  });

  it('a withdrawal applied by the job hands over every user of the agency and tells each partner’s admins and the ISA team', async () => {
    const charity = await w.agency(`Charity ${randomUUID().slice(0, 8)}`, { sector: 'voluntary' });
    const charityAdmin = await w.person(charity, 'agency_admin', 'charity-admin');
    const fay = await w.person(charity, 'practitioner', 'fay');
    const gus = await w.person(charity, 'practitioner', 'gus');
    for (const p of [fay, gus]) await chair.client.addMember(channelId, { userId: p.id });
    const fayAction = await actionFor(fay.id);
    const gusAction = await actionFor(gus.id);
    await isaAdmin.client.giveNotice(charity);

    // A month on, sessions have long ended: everyone signs in again; the admins listen on the second instance.
    t.clock.advance(32 * DAY);
    const isa = await w.signIn(isaAdmin);
    const pAdmin = await w.signIn(policeAdmin);
    const cAdmin = await w.signIn(councilAdmin);
    const ch = await w.signIn(chair);
    const policeLive = await listenOnSecond(pAdmin);
    const isaLive = await listenOnSecond(isa);

    expect(await second.app.get(AgencyWithdrawalsService).applyDue()).toEqual([charity]);

    // Every user of the agency left the channel; what each held is listed for the ISA team.
    const left = (await ch.client.channel(channelId)).members.map((m) => m.userId);
    expect(left).not.toContain(fay.id);
    expect(left).not.toContain(gus.id);
    for (const [p, a] of [
      [fay, fayAction],
      [gus, gusAction],
    ] as const) {
      expect(await isa.client.leaverHandOver(p.id)).toMatchObject({ leaving: true, actions: [{ id: a }] });
    }
    const withdrawn = { kind: 'agency_withdrawn', refs: { agencyId: charity } };
    await eventually(() => expect(policeLive.heard).toContainEqual(expect.objectContaining(withdrawn)));
    await eventually(() => {
      expect(isaLive.heard).toContainEqual(expect.objectContaining(withdrawn));
      expect(isaLive.heard).toContainEqual(
        expect.objectContaining({ kind: 'hand_over_needed', refs: { userId: fay.id, agencyId: charity } }),
      );
      expect(isaLive.heard).toContainEqual(
        expect.objectContaining({ kind: 'hand_over_needed', refs: { userId: gus.id, agencyId: charity } }),
      );
    });
    expect(await cAdmin.client.notifications()).toContainEqual(expect.objectContaining(withdrawn));
    const { rows } = await t.sql('SELECT count(*)::int AS n FROM notifications WHERE user_id = $1', [charityAdmin.id]);
    expect(rows[0]).toEqual({ n: 0 });

    // The ISA team hands fay's action to a colleague still in the channel.
    await isa.client.handOverLeaversAction(fay.id, fayAction, cole.id);
    expect((await ch.client.action(fayAction)).ownerId).toBe(cole.id);
    // A second run finds nothing more to do: each withdrawal is applied, and announced, once.
    expect(await t.app.get(AgencyWithdrawalsService).applyDue()).toEqual([]);
    const { rows: once } = await t.sql(
      "SELECT count(*)::int AS n FROM notifications WHERE kind = 'agency_withdrawn' AND user_id = $1",
      [isaAdmin.id],
    );
    expect(once[0]).toEqual({ n: 1 });
  });

  it('keeps notifications to ids only: no free text in any stored row', async () => {
    const { rows } = await t.sql('SELECT refs FROM notifications');
    expect(rows.length).toBeGreaterThan(0);
    for (const { refs } of rows as { refs: Record<string, string> }[]) {
      for (const v of Object.values(refs)) expect(v).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
