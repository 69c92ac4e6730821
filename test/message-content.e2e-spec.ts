import { randomUUID } from 'node:crypto';
import { MessageContentError, type MessageView, type SecureSession } from '../client/sdk/index.js';
import { eventually } from './support/eventually.js';
import { dumpDatabase, markerForms, secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World, type Person } from './support/world.js';

/**
 * Replies, mentions and edits live inside the sealed content: proven here through the real server, the
 * real SDK on both ends, and a member of the channel as the attacker.
 */
describe('replies, mentions and edits inside the encrypted content', () => {
  let t: TestApp;
  let w: World;
  let alice: Person; // Council
  let bob: Person; // Police
  let carol: Person; // School
  let mallory: Person; // Police: a member of the channel who tries to change other people's words
  let aliceS: SecureSession;
  let bobS: SecureSession;
  let carolS: SecureSession;
  let malloryS: SecureSession;

  /** A new channel with everyone in it. */
  const channel = () =>
    aliceS.createChannel({
      kind: 'locality_meeting',
      members: [{ userId: bob.id }, { userId: carol.id }, { userId: mallory.id }],
    });

  const bySeq = (views: MessageView[], seq: number): MessageView => {
    const v = views.find((m) => m.seq === seq);
    if (!v) throw new Error(`#${seq} is not in the view`);
    return v;
  };

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    const police = await w.agency('Police', { sector: 'police' });
    const school = await w.agency('School', { sector: 'education' });
    alice = await w.person(council, 'practitioner', 'alice');
    bob = await w.person(police, 'practitioner', 'bob');
    carol = await w.person(school, 'practitioner', 'carol');
    mallory = await w.person(police, 'practitioner', 'mallory');
    aliceS = await secureSession(alice.client, 'alice laptop', t);
    bobS = await secureSession(bob.client, 'bob laptop', t);
    carolS = await secureSession(carol.client, 'carol laptop', t);
    malloryS = await secureSession(mallory.client, 'mallory laptop', t);
  });
  afterAll(async () => {
    for (const s of [aliceS, bobS, carolS, malloryS]) s?.close();
    await t.close();
  });

  it('a reply with a mention goes from the Police to the Council: the reply shows what it answers, and only the person mentioned is told', async () => {
    const id = await channel();
    const question = await aliceS.sendText(id, 'Can someone from the police attend on Tuesday?');
    const asked = bySeq((await bobS.readConversation(id)).messages, question.seq);
    const answer = await bobS.sendText(id, 'I can, Alice', { replyTo: asked, mentions: [alice.id] });

    const seenByAlice = await aliceS.readConversation(id);
    expect(bySeq(seenByAlice.messages, answer.seq)).toMatchObject({
      kind: 'text',
      senderUserId: bob.id,
      text: 'I can, Alice',
      mentions: [alice.id],
      mentionsMe: true,
      replyTo: {
        visible: true,
        seq: question.seq,
        senderUserId: alice.id,
        preview: 'Can someone from the police attend on Tuesday?',
      },
    });
    expect(seenByAlice.lastSeq).toBe(answer.seq);

    for (const s of [bobS, carolS, malloryS]) {
      const view = bySeq((await s.readConversation(id)).messages, answer.seq);
      expect(view.mentionsMe).toBe(false);
      expect(view.replyTo).toMatchObject({ visible: true, seq: question.seq });
    }
  });

  it('an edit by the sender is folded into the message for every reader, live as well as on reading', async () => {
    const id = await channel();
    const original = await aliceS.sendText(id, 'Meeting at 2pm', { mentions: [bob.id] });
    const reply = await bobS.sendText(id, 'noted', {
      replyTo: bySeq((await bobS.readConversation(id)).messages, original.seq),
    });

    // Carol follows the channel live: her view over what her device holds changes as the edit arrives.
    const { lastSeq } = await carolS.readConversation(id);
    const live: number[] = [];
    const deleted: number[] = [];
    const stop = await carolS.subscribe(id, (m) => live.push(m.seq), {
      after: lastSeq,
      onDeleted: (seq) => deleted.push(seq),
    });
    try {
      const mine = bySeq((await aliceS.readConversation(id)).messages, original.seq);
      const edit = await aliceS.editMessage(id, mine, 'Meeting at 3pm');

      await eventually(() => expect(live).toContain(edit.seq));
      const carolNow = carolS.conversation(id);
      expect(carolNow.messages.map((m) => m.seq)).toEqual([original.seq, reply.seq]); // the edit is no entry of its own
      expect(bySeq(carolNow.messages, original.seq)).toMatchObject({ text: 'Meeting at 3pm', edited: true });

      const bobView = await bobS.readConversation(id);
      const changed = bySeq(bobView.messages, original.seq);
      expect(changed).toMatchObject({ text: 'Meeting at 3pm', edited: true, senderUserId: alice.id, mentionsMe: true });
      expect(changed.editedAt).toBe(edit.sentAt);
      expect(bySeq(bobView.messages, reply.seq).replyTo).toMatchObject({ visible: true, preview: 'Meeting at 3pm' });
      expect(bobView.rejectedEdits).toEqual([]);

      // Alice deletes it: its words leave Carol's device at once, and the reply no longer quotes them.
      await aliceS.deleteMessage(id, original.seq);
      await eventually(() => expect(deleted).toEqual([original.seq]));
      const afterDelete = carolS.conversation(id);
      expect(afterDelete.messages.map((m) => m.seq)).toEqual([reply.seq]);
      expect(bySeq(afterDelete.messages, reply.seq).replyTo).toEqual({ visible: false });
      expect(JSON.stringify(afterDelete)).not.toContain('Meeting at');
    } finally {
      stop();
    }
  });

  it('an edit forged by another member, properly signed by them, is ignored and flagged', async () => {
    const id = await channel();
    const original = await aliceS.sendText(id, 'The family agreed to the plan');
    const target = bySeq((await malloryS.readConversation(id)).messages, original.seq);

    // The SDK refuses to send it…
    await expect(malloryS.editMessage(id, target, 'The family refused the plan')).rejects.toThrow(MessageContentError);
    // …so Mallory crafts it with the lower-level send: a well-formed edit, signed by her own device.
    const forged = await malloryS.send(id, {
      type: 'edit',
      of: target.clientMessageId,
      body: 'The family refused the plan',
    });

    const raw = (await bobS.readAll(id)).find((m) => m.seq === forged.seq)!;
    expect(raw).toMatchObject({ senderUserId: mallory.id, content: { type: 'edit' } });
    expect(raw.unverified).toBeUndefined(); // her signature holds: the rule, not the crypto, stops it

    for (const s of [bobS, aliceS, carolS]) {
      const view = await s.readConversation(id);
      expect(view.messages.map((m) => m.seq)).toEqual([original.seq]);
      const shown = bySeq(view.messages, original.seq);
      expect(shown).toMatchObject({ text: 'The family agreed to the plan', edited: false });
      expect(shown.rejectedEdits).toEqual([{ seq: forged.seq, senderUserId: mallory.id, targetSeq: original.seq }]);
      expect(shown.warnings.join(' ')).toMatch(/tried to change it/);
      expect(view.rejectedEdits).toHaveLength(1);
    }
  });

  it('an edit of a deleted message shows nothing, and a reply to it shows a message you cannot see', async () => {
    const id = await channel();
    const original = await aliceS.sendText(id, 'Sent to the wrong channel');
    const view = bySeq((await aliceS.readConversation(id)).messages, original.seq);
    await aliceS.editMessage(id, view, 'Still the wrong channel');
    const reply = await bobS.sendText(id, 'Which family?', {
      replyTo: bySeq((await bobS.readConversation(id)).messages, original.seq),
    });
    await aliceS.deleteMessage(id, original.seq);
    // An edit sent after the deletion, crafted with the lower-level send (editMessage refuses a deleted message).
    await expect(
      aliceS.editMessage(id, bySeq((await aliceS.readConversation(id)).messages, original.seq), 'again'),
    ).rejects.toThrow(/deleted/);
    await aliceS.send(id, { type: 'edit', of: view.clientMessageId, body: 'Risen from the dead' });

    const seen = await bobS.readConversation(id);
    expect(seen.messages.map((m) => [m.seq, m.kind, m.text])).toEqual([
      [original.seq, 'deleted', null],
      [reply.seq, 'text', 'Which family?'],
    ]);
    expect(bySeq(seen.messages, original.seq).edited).toBe(false);
    expect(bySeq(seen.messages, reply.seq).replyTo).toEqual({ visible: false });
  });

  it('a reply to a message from before the reader joined shows a message you cannot see, with nothing of it', async () => {
    const dave = await w.person(await w.agency('Health', { sector: 'health' }), 'practitioner', 'dave');
    const daveS = await secureSession(dave.client, 'dave laptop', t);
    try {
      const id = await channel();
      const early = await aliceS.sendText(id, 'Before Dave joined: the address is 4 Mill Lane');
      await aliceS.addMember(id, { userId: dave.id });
      const reply = await bobS.sendText(id, 'Thanks', {
        replyTo: bySeq((await bobS.readConversation(id)).messages, early.seq),
      });
      const seen = await daveS.readConversation(id);
      expect(seen.messages.map((m) => m.seq)).toEqual([reply.seq]);
      expect(bySeq(seen.messages, reply.seq).replyTo).toEqual({ visible: false });
      expect(JSON.stringify(seen)).not.toContain('Mill Lane');
    } finally {
      daveS.close();
    }
  });

  it('the server never holds the words of a reply or an edit: markers sent through the real client are nowhere in a dump of the database', async () => {
    const id = await channel();
    const originalMarker = `ORIGINAL-${randomUUID()}`;
    const replyMarker = `REPLY-${randomUUID()}`;
    const editMarker = `EDIT-${randomUUID()}`;
    const original = await aliceS.sendText(id, `plan ${originalMarker}`);
    const asked = bySeq((await bobS.readConversation(id)).messages, original.seq);
    await bobS.sendText(id, `answer ${replyMarker}`, { replyTo: asked, mentions: [alice.id] });
    await aliceS.editMessage(
      id,
      bySeq((await aliceS.readConversation(id)).messages, original.seq),
      `plan ${editMarker}`,
    );

    const seen = await carolS.readConversation(id);
    expect(seen.messages.map((m) => m.text)).toEqual([`plan ${editMarker}`, `answer ${replyMarker}`]);
    expect(seen.messages[1].replyTo).toMatchObject({ visible: true, preview: `plan ${editMarker}` });

    const dump = await dumpDatabase(t.databaseUrl);
    expect(dump).toContain(id); // the dump is real and covers the channel
    for (const marker of [originalMarker, replyMarker, editMarker]) {
      for (const form of markerForms(marker)) expect(dump).not.toContain(form);
    }
  });

  it('a reply to a message that has expired shows a message you cannot see, and an edit of it shows nothing', async () => {
    const id = await aliceS.createChannel({ kind: 'direct', members: [{ userId: bob.id }], retentionDays: 1 });
    const original = await aliceS.sendText(id, 'Short-lived');
    t.clock.advance(20 * 3_600_000);
    await Promise.all([alice, bob].map((p) => p.client.login({ email: p.email, password: p.password })));
    const asked = bySeq((await bobS.readConversation(id)).messages, original.seq);
    const reply = await bobS.sendText(id, 'Seen it', { replyTo: asked });
    await aliceS.editMessage(id, bySeq((await aliceS.readConversation(id)).messages, original.seq), 'Edited');

    t.clock.advance(5 * 3_600_000); // the original is past its day; the reply and the edit are not
    await Promise.all([alice, bob].map((p) => p.client.login({ email: p.email, password: p.password })));
    const seen = await bobS.readConversation(id);
    expect(seen.messages.map((m) => m.seq)).toEqual([reply.seq]);
    expect(bySeq(seen.messages, reply.seq).replyTo).toEqual({ visible: false });
    expect(seen.rejectedEdits).toEqual([]);
  });
});
