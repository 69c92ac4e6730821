import { randomUUID } from 'node:crypto';
import { RealtimeConnection, type RealtimeEventMap, type SecureSession } from '../client/sdk/index.js';
import { ActionRemindersService } from '../src/actions/action-reminders.service.js';
import { refused } from './support/refused.js';
import { secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World, type Person } from './support/world.js';

const DAY = 86_400_000;

/**
 * Actions with named owners and due dates: who may change them, "my actions" with overdue first,
 * reassignment on the record, and reminders sent once each on whichever instance runs the job.
 */
describe('actions: owners, due dates, status rules, my actions, reminders', () => {
  let t: TestApp;
  let w: World;
  let chair: Person;
  let owner: Person;
  let other: Person;
  let colleague: Person;
  let chairS: SecureSession;
  let ownerS: SecureSession;
  let channelId: string;
  const sessions: SecureSession[] = [];
  const sockets: RealtimeConnection[] = [];

  const dateIn = (days: number) => new Date(t.clock.now().getTime() + days * DAY).toISOString().slice(0, 10);
  const describe_ = (text: string, recordId: string) => chairS.sealField(channelId, 'action', { text }, { recordId });

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    const police = await w.agency('Police', { sector: 'police' });
    chair = await w.person(council, 'practitioner', 'chair');
    owner = await w.person(police, 'practitioner', 'owner');
    other = await w.person(police, 'practitioner', 'other');
    colleague = await w.person(police, 'practitioner', 'colleague');
    chairS = await secureSession(chair.client, 'chair laptop', t);
    ownerS = await secureSession(owner.client, 'owner laptop', t);
    sessions.push(chairS, ownerS);
    channelId = await chairS.createChannel({
      kind: 'locality_meeting',
      members: [{ userId: owner.id }, { userId: other.id }, { userId: colleague.id }],
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const s of sessions) s.close();
    await t.close();
  });

  it('the owner moves their action on with sealed notes; others cannot; the chair reassigns on the record', async () => {
    const actionId = randomUUID();
    const action = await chair.client.createAction({
      id: actionId,
      channelId,
      description: await describe_('Home visit with the health visitor', actionId),
      ownerId: owner.id,
      dueOn: dateIn(10),
    });
    expect(action).toMatchObject({ ownerId: owner.id, status: 'open', dueOn: dateIn(10) });
    expect(await ownerS.openField(channelId, 'action', action.description, { recordId: action.id })).toEqual({
      text: 'Home visit with the health visitor',
    });

    const updateId = randomUUID();
    const note = await ownerS.sealField(
      channelId,
      'action-note',
      { text: 'Visit booked for Tuesday' },
      { recordId: updateId },
    );
    const moved = await owner.client.updateAction(action.id, { updateId, status: 'in_progress', note });
    expect(moved.status).toBe('in_progress');
    expect(moved.updates).toEqual([
      expect.objectContaining({ authorId: owner.id, kind: 'status', statusFrom: 'open', statusTo: 'in_progress' }),
    ]);
    expect(
      await chairS.openField(channelId, 'action-note', moved.updates[0].note!, { recordId: moved.updates[0].id }),
    ).toEqual({
      text: 'Visit booked for Tuesday',
    });

    // Someone else in the channel may read it but not change it, nor set actions, nor reassign.
    await refused(
      other.client.updateAction(action.id, { updateId: randomUUID(), status: 'done' }),
      403,
      'not_action_owner',
    );
    await refused(
      other.client.createAction({
        id: randomUUID(),
        channelId,
        description: action.description,
        ownerId: other.id,
        dueOn: dateIn(3),
      }),
      403,
      'chair_only',
    );
    await refused(
      other.client.reassignAction(action.id, { updateId: randomUUID(), ownerId: other.id }),
      403,
      'chair_only',
    );

    // The owner leaves the service: the chair hands the action to a colleague, and that is recorded.
    const reassignId = randomUUID();
    const handed = await chair.client.reassignAction(action.id, {
      updateId: reassignId,
      ownerId: colleague.id,
      reason: await chairS.sealField(
        channelId,
        'action-note',
        { text: 'Owner has left the service' },
        { recordId: reassignId },
      ),
    });
    expect(handed.ownerId).toBe(colleague.id);
    expect(handed.updates.at(-1)).toMatchObject({ kind: 'reassigned', fromUserId: owner.id, toUserId: colleague.id });
    await refused(
      owner.client.updateAction(action.id, { updateId: randomUUID(), status: 'done' }),
      403,
      'not_action_owner',
    );
    expect((await colleague.client.updateAction(action.id, { updateId: randomUUID(), status: 'done' })).status).toBe(
      'done',
    );

    // An owner must be in the channel; a stranger cannot even see the action.
    const stranger = await w.person(await w.agency('Housing'), 'practitioner', 'stranger');
    await refused(
      chair.client.createAction({
        id: randomUUID(),
        channelId,
        description: action.description,
        ownerId: stranger.id,
        dueOn: dateIn(3),
      }),
      409,
      'not_a_channel_member',
    );
    await refused(stranger.client.action(action.id), 403, 'not_a_member');
  });

  it('lists my actions with the overdue ones first, and reminds each owner once when due soon and once when overdue', async () => {
    const make = async (days: number, text: string, id = randomUUID()) =>
      (
        await chair.client.createAction({
          id,
          channelId,
          description: await describe_(text, id),
          ownerId: other.id,
          dueOn: dateIn(days),
        })
      ).id;
    const later = await make(20, 'later');
    const soon = await make(1, 'soon');
    const late = await make(-3, 'late');
    const mine = await other.client.myActions();
    expect(mine.map((a) => a.id)).toEqual([late, soon, later]);
    expect(mine.map((a) => a.status)).toEqual(['overdue', 'open', 'open']);

    const heard: RealtimeEventMap['action.updated'][] = [];
    const rt = new RealtimeConnection(t.baseUrl, other.client.token!);
    sockets.push(rt);
    await rt.connect();
    rt.on('action.updated', (e) => heard.push(e));
    const reminders = t.app.get(ActionRemindersService);
    await reminders.sendReminders();
    await reminders.sendReminders(); // a second run (or another instance) sends nothing again
    const waitFor = async (n: number) => {
      for (let i = 0; i < 100 && heard.length < n; i++) await new Promise((r) => setTimeout(r, 20));
    };
    await waitFor(2);
    expect(heard.map((e) => [e.actionId, e.reminder]).sort()).toEqual(
      [
        [late, 'overdue'],
        [soon, 'due_soon'],
      ].sort(),
    );

    // Two days on, "soon" is overdue: one more reminder, for it alone.
    rt.close();
    t.clock.advance(2 * DAY + 1000);
    await other.client.login({ email: other.email, password: other.password });
    const rt2 = new RealtimeConnection(t.baseUrl, other.client.token!);
    sockets.push(rt2);
    await rt2.connect();
    rt2.on('action.updated', (e) => heard.push(e));
    await reminders.sendReminders();
    await waitFor(3);
    expect(heard.slice(2).map((e) => [e.actionId, e.reminder])).toEqual([[soon, 'overdue']]);
  });
});
