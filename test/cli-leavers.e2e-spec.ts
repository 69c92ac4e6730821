import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { SecureSession } from '../client/sdk/index.js';
import type { HandOverView, NotificationView } from '../contracts/notifications.js';
import { cli, cliAgencyAdmin, cliAs, cliPerson, json, type CliAccount } from './support/cli.js';
import { secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World, type Person } from './support/world.js';

/**
 * `users disable` carries a leaver through: after disabling, their open actions and families are listed and,
 * at a terminal, handed over one by one (or all at once with --reassign-to); `users hand-over` does it later;
 * `notifications` shows the new holder what reached them, and marks it read.
 */
describe('CLI: users disable with hand-over, users hand-over, notifications', () => {
  let t: TestApp;
  let w: World;
  let police: string;
  let admin: CliAccount;
  let cole: CliAccount;
  let chair: Person;
  let chairS: SecureSession;
  let channelId: string;
  const homes: string[] = [];

  const actionFor = async (ownerId: string) => {
    const id = randomUUID();
    await chair.client.createAction({
      id,
      channelId,
      description: await chairS.sealField(channelId, 'action', { text: 'Ring the GP' }, { recordId: id }),
      ownerId,
      dueOn: '2099-01-01',
    });
    return id;
  };
  const leaver = async (prefix: string) => {
    const p = await w.account(police, 'practitioner', prefix);
    await chair.client.addMember(channelId, { userId: p.id });
    return { ...p, actionId: await actionFor(p.id) };
  };

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    police = await w.agency('Police', { sector: 'police' });
    admin = await cliAgencyAdmin(t, w, police, 'police-admin', homes);
    cole = await cliPerson(t, w, police, 'cole', homes);
    chair = await w.person(council, 'practitioner', 'chair');
    chairS = await secureSession(chair.client, 'chair laptop', t);
    channelId = await chairS.createChannel({ kind: 'locality_meeting', members: [{ userId: cole.id }] });
  });
  afterAll(async () => {
    chairS.close();
    await t.close();
    for (const h of homes) await rm(h, { recursive: true, force: true });
  });

  it('disable --yes --json lists what waits; hand-over at a terminal asks for each piece and the new owner is told', async () => {
    const lee = await leaver('lee');
    const off = await cliAs(t, admin, ['users', 'disable', lee.email, '--yes', '--json']);
    expect(off.code).toBe(0);
    const disabled = json<{ user: { status: string }; handOver: HandOverView; steps: unknown[] }>(off);
    expect(disabled.user.status).toBe('disabled');
    expect(disabled.handOver.actions.map((a) => a.id)).toEqual([lee.actionId]);
    expect(disabled.steps).toEqual([]);

    // Later, at a terminal: asked about the action, the admin names cole by e-mail address.
    const later = await cli(admin.home, t, ['users', 'hand-over', lee.email], {}, [cole.email]);
    expect(later.code).toBe(0);
    expect(later.err).toContain(`Hand action ${lee.actionId}`);
    expect(later.out).toContain('1 handed over.');
    expect(later.out).toContain('Nothing of lee person');
    expect((await chair.client.action(lee.actionId)).ownerId).toBe(cole.id);

    const unread = await cliAs(t, cole, ['notifications', '--unread', '--json']);
    expect(json<NotificationView[]>(unread)).toEqual([
      expect.objectContaining({
        kind: 'action_assigned',
        refs: { actionId: lee.actionId, channelId, fromUserId: lee.id },
      }),
    ]);
    const shown = await cliAs(t, cole, ['notifications']);
    expect(shown.out).toContain(`An action was handed to you: ${lee.actionId}`);
    expect((await cliAs(t, cole, ['notifications', 'read', '--all'])).out).toBe('1 marked read.\n');
    expect((await cliAs(t, cole, ['notifications', '--unread'])).out).toBe('No unread notifications.\n');
    expect((await cliAs(t, cole, ['notifications', 'read'])).code).toBe(2);
  });

  it('disable --reassign-to hands every open action to one colleague; a refused hand-over exits 1 and changes nothing', async () => {
    const kay = await leaver('kay');
    const second = await actionFor(kay.id);
    const off = await cliAs(t, admin, ['users', 'disable', kay.email, '--yes', '--reassign-to', cole.email, '--json']);
    expect(off.code).toBe(0);
    const result = json<{ handOver: HandOverView; steps: { done: boolean }[] }>(off);
    expect(result.steps.map((s) => s.done)).toEqual([true, true]);
    expect(result.handOver.actions).toEqual([]);
    for (const id of [kay.actionId, second]) expect((await chair.client.action(id)).ownerId).toBe(cole.id);

    const ray = await leaver('ray');
    const gone = await leaver('gone');
    await cliAs(t, admin, ['users', 'disable', gone.email, '--yes']);
    await cliAs(t, admin, ['users', 'disable', ray.email, '--yes']);
    const refusedStep = await cliAs(t, admin, [
      'users',
      'hand-over',
      ray.email,
      '--action',
      ray.actionId,
      '--to',
      gone.id,
    ]);
    expect(refusedStep.code).toBe(1);
    expect(refusedStep.out).toContain(`Not handed over: action ${ray.actionId}`);
    expect(refusedStep.out).toContain('user_not_active');
    expect((await chair.client.action(ray.actionId)).ownerId).toBe(ray.id);
  });
  it('families show marks a family whose lead worker left, until hand-over --family --lead sets a new one', async () => {
    const lea = await w.signIn(await w.account(police, 'practitioner', 'lea'));
    const family = await lea.client.createFamily();
    await lea.client.addMember(family.channelId, { userId: cole.id });
    expect((await cliAs(t, admin, ['users', 'disable', lea.email, '--yes'])).code).toBe(0);
    const shown = await cliAs(t, cole, ['families', 'show', family.ref]);
    expect(shown.out).toContain('has left; waiting for a new lead worker');
    const set = await cliAs(t, admin, ['users', 'hand-over', lea.email, '--family', family.ref, '--lead', cole.email]);
    expect(set.code).toBe(0);
    expect(set.out).toContain('1 handed over.');
    const after = await cliAs(t, cole, ['families', 'show', family.ref]);
    expect(after.out).toContain('Lead worker:');
    expect(after.out).not.toContain('has left');
  });
});
