import { rm } from 'node:fs/promises';
import path from 'node:path';
import { FileKeyStore, MemoryTrustStore, SecureSession } from '../client/sdk/node.js';
import { CLI_PASSPHRASE, cliAs, cliPerson, json, type CliAccount } from './support/cli.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World } from './support/world.js';

interface ReadJson {
  messages: {
    seq: number;
    clientMessageId: string;
    kind: string;
    text: string | null;
    edited: boolean;
    mentionsMe: boolean;
    content: { body?: string } | null;
    replyTo?: { visible: boolean; seq?: number };
    rejectedEdits?: { seq: number }[];
  }[];
  lastSeq: number;
}

describe('the strongroom CLI: replies, mentions and edits', () => {
  let t: TestApp;
  let w: World;
  const homes: string[] = [];
  let alice: CliAccount; // Council
  let bob: CliAccount; // Police
  let carol: CliAccount; // Police
  let channel: string;

  const as = (p: CliAccount, argv: string[], env: Record<string, string> = {}) => cliAs(t, p, argv, env);
  /** The person's own device, from the key store their CLI made, in an SDK session of its own. */
  const sdkSession = async (p: CliAccount) => {
    const client = w.client();
    await client.login({ email: p.email, password: p.password });
    const device = await new FileKeyStore(path.join(p.home, 'keys')).load(p.id, CLI_PASSPHRASE);
    return new SecureSession(client, device, new MemoryTrustStore());
  };
  const sent = async (p: CliAccount, argv: string[]) => {
    const r = await as(p, ['--json', ...argv]);
    if (r.code !== 0) throw new Error(`${argv.join(' ')} exited ${r.code}: ${r.err}${r.out}`);
    return json<{ seq: number }>(r).seq;
  };

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    const police = await w.agency('Police', { sector: 'police' });
    alice = await cliPerson(t, w, council, 'alice', homes);
    bob = await cliPerson(t, w, police, 'bob', homes);
    carol = await cliPerson(t, w, police, 'carol', homes);
    const created = await as(alice, [
      '--json',
      'channels',
      'create',
      '--kind',
      'locality_meeting',
      '--member',
      bob.email,
      '--member',
      carol.email,
    ]);
    channel = json<{ id: string }>(created).id;
  });
  afterAll(async () => {
    await t.close();
    for (const h of homes) await rm(h, { recursive: true, force: true });
  });

  it('send --reply-to and --mention (by e-mail and by name): read shows the reply with what it answers, and who is mentioned', async () => {
    const question = await sent(alice, ['send', channel, 'Can someone attend the strategy meeting?']);
    const answer = await sent(bob, [
      'send',
      channel,
      'I can',
      '--reply-to',
      String(question),
      '--mention',
      alice.email,
      '--mention',
      'Carol Person', // a name as `channels show` lists it ("carol person"), in any case
    ]);

    const read = await as(alice, ['read', channel]);
    expect(read.code).toBe(0);
    expect(read.out).toContain(`#${answer}`);
    expect(read.out).toMatch(new RegExp(`#${answer} .* bob person: I can \\(mentions you\\)\\n`));
    expect(read.out).toContain('↪ replying to alice person: Can someone attend the strategy meeting?');

    const bobSees = json<ReadJson>(await as(bob, ['--json', 'read', channel]));
    const entry = bobSees.messages.find((m) => m.seq === answer)!;
    expect(entry).toMatchObject({
      kind: 'text',
      text: 'I can',
      mentionsMe: false,
      replyTo: { visible: true, seq: question },
    });
    expect(bobSees.messages.find((m) => m.seq === answer)!.content?.body).toBe('I can');
    const carolSees = json<ReadJson>(await as(carol, ['--json', 'read', channel]));
    expect(carolSees.messages.find((m) => m.seq === answer)!.mentionsMe).toBe(true);
  });

  it('edit changes your own message: read shows the new text marked (edited), and the change is no message of its own', async () => {
    const original = await sent(alice, ['send', channel, 'Meeting at 2pm']);
    const reply = await sent(carol, ['send', channel, 'ok', '--reply-to', `#${original}`]);
    const edit = await as(alice, ['edit', channel, String(original), 'Meeting at 3pm']);
    expect(edit.code).toBe(0);
    expect(edit.out).toContain(`Changed #${original}`);

    const read = await as(bob, ['read', channel, '--since', String(original - 1)]);
    expect(read.code).toBe(0);
    expect(read.out).toMatch(new RegExp(`#${original} .* alice person: Meeting at 3pm \\(edited\\)\\n`));
    expect(read.out).toContain('↪ replying to alice person: Meeting at 3pm');
    expect(read.out).not.toContain('Meeting at 2pm');
    const seqs = json<ReadJson>(
      await as(bob, ['--json', 'read', channel, '--since', String(original - 1)]),
    ).messages.map((m) => m.seq);
    expect(seqs).toEqual([original, reply]);

    // Followed live, a change says which message it changed and shows it as it now reads.
    const tail = as(carol, ['tail', channel, '--exit-after', '1']);
    await new Promise((r) => setTimeout(r, 300));
    await as(alice, ['edit', channel, String(original), 'Meeting at 4pm']);
    const followed = await tail;
    expect(followed.code).toBe(0);
    expect(followed.out).toMatch(
      new RegExp(`alice person changed #${original}:\n +#${original} .* Meeting at 4pm \\(edited\\)`),
    );
  });

  it('refuses, in plain words, to edit someone else’s message or to reply to one that cannot be seen; read flags a forged change (exit 6)', async () => {
    const original = await sent(alice, ['send', channel, 'The family agreed']);
    const notMine = await as(bob, ['edit', channel, String(original), 'The family refused']);
    expect(notMine.code).toBe(2);
    expect(notMine.err).toContain(`Only the person who sent #${original} can change it.`);

    const noSuch = await as(bob, ['send', channel, 'hm', '--reply-to', '99999']);
    expect(noSuch.code).toBe(2);
    expect(noSuch.err).toContain('There is no message #99999 you can see');
    const badSeq = await as(bob, ['send', channel, 'hm', '--reply-to', 'latest']);
    expect(badSeq.code).toBe(2);
    expect(badSeq.err).toContain('--reply-to takes a message number');
    const stranger = await as(bob, ['send', channel, 'hm', '--mention', 'Nobody Here']);
    expect(stranger.code).toBe(2);
    expect(stranger.err).toContain('Nothing matches "Nobody Here" among the members');

    const deleted = await sent(alice, ['send', channel, 'oops']);
    const aliceS = await sdkSession(alice);
    await aliceS.deleteMessage(channel, deleted);
    const replyToDeleted = await as(bob, ['send', channel, 're', '--reply-to', String(deleted)]);
    expect(replyToDeleted.code).toBe(2);
    expect(replyToDeleted.err).toContain(`#${deleted} cannot be replied to`);
    const editDeleted = await as(alice, ['edit', channel, String(deleted), 'again']);
    expect(editDeleted.code).toBe(2);
    expect(editDeleted.err).toContain('cannot be changed');

    // Bob crafts the change with the SDK's lower-level send, signed by his own device: every reader ignores it.
    const target = json<ReadJson>(await as(bob, ['--json', 'read', channel])).messages.find((m) => m.seq === original)!;
    const bobS = await sdkSession(bob);
    const forged = await bobS.send(channel, { type: 'edit', of: target.clientMessageId, body: 'The family refused' });
    bobS.close();
    aliceS.close();
    const read = await as(carol, ['read', channel]);
    expect(read.code).toBe(6);
    expect(read.out).toMatch(new RegExp(`#${original} .* alice person: The family agreed\n`));
    expect(read.out).toContain(
      `WARNING: bob person tried to change this message in #${forged.seq}; only its sender can, so the change is not shown.`,
    );
    expect(read.out).not.toContain('The family refused');
    expect(read.err).toContain('someone other than the sender tried to change 1 message');
  });

  it('help explains replies, mentions and edits', async () => {
    const send = await as(alice, ['send', '--help']);
    expect(send.out).toContain('--reply-to <seq>');
    expect(send.out).toContain('--mention <person>');
    const edit = await as(alice, ['edit', '--help']);
    expect(edit.out).toContain('Only the person who sent a message can change it');
  });
});
