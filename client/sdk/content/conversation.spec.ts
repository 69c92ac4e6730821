import type { DecryptedMessage } from '../session/message-cache.js';
import { foldConversation, previewOf, PREVIEW_LENGTH, type MessageView } from './conversation.js';
import type { MessageContent } from '../crypto/channel-crypto.js';

const ALICE = '0b5c3a1e-8f7d-4c2b-9a6e-1d3f5b7c9e01';
const BOB = '1c6d4b2f-9a8e-4d3c-8b7f-2e4a6c8d0f12';
const MALLORY = '2d7e5c3a-0b9f-4e4d-9c8a-3f5b7d9e1a23';
const ALICE_LAPTOP = 'a0000000-0000-4000-8000-000000000001';
const ALICE_PHONE = 'a0000000-0000-4000-8000-000000000002';
const BOB_LAPTOP = 'b0000000-0000-4000-8000-000000000001';
const MALLORY_LAPTOP = 'c0000000-0000-4000-8000-000000000001';
const CHANNEL = 'd0000000-0000-4000-8000-000000000001';
const NOW = new Date('2026-03-01T12:00:00.000Z');

const ownerOf: Record<string, string> = {
  [ALICE_LAPTOP]: ALICE,
  [ALICE_PHONE]: ALICE,
  [BOB_LAPTOP]: BOB,
  [MALLORY_LAPTOP]: MALLORY,
};

/** A client message id that says which test message it is, as a valid UUID. */
const cmid = (k: number) => `e0000000-0000-4000-8000-${String(k).padStart(12, '0')}`;

let counters: Record<string, number> = {};

/** A verified, decrypted message as MessageStream gives it; `over` bends one thing. */
function msg(
  seq: number,
  device: string,
  content: MessageContent | null,
  over: Partial<DecryptedMessage> = {},
): DecryptedMessage {
  counters[device] = (counters[device] ?? 0) + 1;
  const sentAt = new Date(Date.parse('2026-03-01T10:00:00.000Z') + seq * 60_000).toISOString();
  return {
    channelId: CHANNEL,
    id: `f0000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    seq,
    epoch: 1,
    senderUserId: ownerOf[device],
    senderDeviceId: device,
    clientMessageId: cmid(seq),
    n: counters[device],
    createdAt: sentAt,
    expiresAt: '2026-04-01T00:00:00.000Z',
    deleted: false,
    content,
    sentAt,
    order: 'ok',
    ...over,
  };
}

const text = (body: string, extra: Record<string, unknown> = {}) => ({ type: 'text', body, ...extra });
const edit = (of: number, body: string, extra: Record<string, unknown> = {}) => ({
  type: 'edit',
  of: cmid(of),
  body,
  ...extra,
});
const ref = (seq: number, senderUserId: string) => ({ clientMessageId: cmid(seq), senderUserId });

const fold = (ms: DecryptedMessage[], me = BOB) => foldConversation(ms, me, NOW);
const at = (views: MessageView[], seq: number) => {
  const v = views.find((m) => m.seq === seq);
  if (!v) throw new Error(`no view of #${seq}`);
  return v;
};

beforeEach(() => {
  counters = {};
});

describe('foldConversation: edits', () => {
  it('folds its sender’s edit into the message: current text, edited, editedAt, and the edit is no entry of its own', () => {
    const { messages, rejectedEdits } = fold([
      msg(1, ALICE_LAPTOP, text('meeting at 2pm')),
      msg(2, BOB_LAPTOP, text('ok')),
      msg(3, ALICE_LAPTOP, edit(1, 'meeting at 3pm')),
    ]);
    expect(messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(at(messages, 1)).toMatchObject({ kind: 'text', text: 'meeting at 3pm', edited: true, senderUserId: ALICE });
    expect(at(messages, 1).editedAt).toBe(msg(3, ALICE_LAPTOP, null).sentAt);
    expect(at(messages, 2)).toMatchObject({ text: 'ok', edited: false });
    expect(at(messages, 2).editedAt).toBeUndefined();
    expect(rejectedEdits).toEqual([]);
  });

  it('counts an edit from another device of the same person', () => {
    const { messages } = fold([msg(1, ALICE_LAPTOP, text('draft')), msg(2, ALICE_PHONE, edit(1, 'final'))]);
    expect(at(messages, 1)).toMatchObject({ text: 'final', edited: true });
  });

  it('ignores and flags an edit by another member, even one properly signed by them', () => {
    const { messages, rejectedEdits } = fold([
      msg(1, ALICE_LAPTOP, text('the family agreed to the plan')),
      msg(2, MALLORY_LAPTOP, edit(1, 'the family refused the plan')),
    ]);
    expect(messages.map((m) => m.seq)).toEqual([1]);
    expect(at(messages, 1)).toMatchObject({ text: 'the family agreed to the plan', edited: false });
    expect(at(messages, 1).rejectedEdits).toEqual([{ seq: 2, senderUserId: MALLORY, targetSeq: 1 }]);
    expect(at(messages, 1).warnings.join(' ')).toMatch(/did not send this message tried to change it/);
    expect(rejectedEdits).toEqual([{ seq: 2, senderUserId: MALLORY, targetSeq: 1 }]);
  });

  it('does not let a member who copied the id of someone else’s message edit it through their own copy', () => {
    // Mallory sends a message of her own under Alice's id, then edits "that id": it changes her own copy only.
    const { messages } = fold([
      msg(1, ALICE_LAPTOP, text('Alice’s words')),
      msg(2, MALLORY_LAPTOP, text('Mallory’s words'), { clientMessageId: cmid(1) }),
      msg(3, MALLORY_LAPTOP, edit(1, 'changed')),
    ]);
    expect(at(messages, 1)).toMatchObject({ text: 'Alice’s words', edited: false, rejectedEdits: [] });
    expect(at(messages, 2)).toMatchObject({ text: 'changed', edited: true });
  });

  it('applies the latest edit by signed order: the device counter, not the server’s sequence numbers', () => {
    // A database writer swapped the two edits' sequence numbers; each device's counter still says which came last.
    const first = msg(4, ALICE_LAPTOP, edit(1, 'second version'), { n: 2 });
    const second = msg(3, ALICE_LAPTOP, edit(1, 'third version'), { n: 3 });
    const { messages } = fold([msg(1, ALICE_LAPTOP, text('first version'), { n: 1 }), first, second]);
    expect(at(messages, 1).text).toBe('third version');
  });

  it('between two devices, the later signed time wins, in whatever order the edits arrive', () => {
    const early = msg(3, ALICE_PHONE, edit(1, 'from the phone'), { sentAt: '2026-03-01T11:00:00.000Z' });
    const late = msg(2, ALICE_LAPTOP, edit(1, 'from the laptop'), { sentAt: '2026-03-01T11:05:00.000Z' });
    expect(at(fold([msg(1, ALICE_LAPTOP, text('x')), early, late]).messages, 1).text).toBe('from the laptop');
    expect(at(fold([late, early, msg(1, ALICE_LAPTOP, text('x'))]).messages, 1).text).toBe('from the laptop');
  });

  it('an edit of a deleted message shows nothing: the message stays deleted', () => {
    const { messages } = fold([
      msg(1, ALICE_LAPTOP, null, { deleted: true, sentAt: undefined }),
      msg(2, ALICE_LAPTOP, edit(1, 'back from the dead')),
    ]);
    expect(messages).toHaveLength(1);
    expect(at(messages, 1)).toMatchObject({ kind: 'deleted', text: null, edited: false });
  });

  it('an edit of a message the reader cannot see (expired, or never shown to them) shows nothing and flags nothing', () => {
    const expired = msg(1, ALICE_LAPTOP, text('gone'), { expiresAt: '2026-03-01T11:00:00.000Z' });
    const { messages, rejectedEdits } = fold([expired, msg(2, ALICE_LAPTOP, edit(1, 'still gone'))]);
    expect(messages).toEqual([]);
    expect(rejectedEdits).toEqual([]);
    expect(fold([msg(5, ALICE_LAPTOP, edit(4, 'of a message before my time'))]).messages).toEqual([]);
  });

  it('an edit of an edit, or of a message that could not be read or verified, changes nothing', () => {
    const { messages } = fold([
      msg(1, ALICE_LAPTOP, text('one')),
      msg(2, ALICE_LAPTOP, edit(1, 'two')),
      msg(3, ALICE_LAPTOP, edit(2, 'edit of the edit')),
      msg(4, ALICE_LAPTOP, null, { error: 'no key' }),
      msg(5, ALICE_LAPTOP, edit(4, 'of the unreadable one')),
      msg(6, ALICE_LAPTOP, null, { unverified: true, error: 'bad signature' }),
      msg(7, ALICE_LAPTOP, edit(6, 'of the unverified one')),
    ]);
    expect(messages.map((m) => [m.seq, m.kind, m.text])).toEqual([
      [1, 'text', 'two'],
      [4, 'unreadable', null],
      [6, 'unverified', null],
    ]);
    expect(at(messages, 6).senderUserId).toBeNull();
  });

  it('an edit that failed verification is no edit: only verified content counts', () => {
    // Content that decrypted but whose signature failed is never given as content; even if it were, it does not count.
    const forged = msg(2, ALICE_LAPTOP, edit(1, 'forged'), { unverified: true });
    const { messages } = fold([msg(1, ALICE_LAPTOP, text('real')), forged]);
    expect(at(messages, 1)).toMatchObject({ text: 'real', edited: false });
    expect(at(messages, 2)).toMatchObject({ kind: 'unverified', senderUserId: null, text: null });
  });

  it('the edit’s own order warning is carried onto the message it changes', () => {
    const moved = msg(2, ALICE_LAPTOP, edit(1, 'changed'), { order: 'reordered', warning: 'Moved on the server.' });
    const { messages } = fold([msg(1, ALICE_LAPTOP, text('orig')), moved]);
    expect(at(messages, 1).warnings).toEqual(['The latest change to this message: Moved on the server.']);
  });
});

describe('foldConversation: replies', () => {
  it('shows the replied message’s current text and verified sender, never anything the replier wrote about it', () => {
    const { messages } = fold([
      msg(1, ALICE_LAPTOP, text('Can someone visit on Tuesday?')),
      msg(2, BOB_LAPTOP, text('I can', { replyTo: ref(1, ALICE) })),
      msg(3, ALICE_LAPTOP, edit(1, 'Can someone visit on Wednesday?')),
    ]);
    expect(at(messages, 2).replyTo).toEqual({
      visible: true,
      seq: 1,
      clientMessageId: cmid(1),
      senderUserId: ALICE,
      preview: 'Can someone visit on Wednesday?',
    });
  });

  it('a reply to a message the reader cannot see (deleted, expired, before they joined, unreadable) shows nothing of it', () => {
    const { messages } = fold([
      msg(1, ALICE_LAPTOP, null, { deleted: true }),
      msg(2, ALICE_LAPTOP, text('expired', { replyTo: null }), { expiresAt: '2026-03-01T00:00:00.000Z' }),
      msg(3, ALICE_LAPTOP, null, { error: 'no key' }),
      msg(4, BOB_LAPTOP, text('re deleted', { replyTo: ref(1, ALICE) })),
      msg(5, BOB_LAPTOP, text('re expired', { replyTo: ref(2, ALICE) })),
      msg(6, BOB_LAPTOP, text('re unreadable', { replyTo: ref(3, ALICE) })),
      msg(7, BOB_LAPTOP, text('re before my time', { replyTo: ref(99, ALICE) })),
    ]);
    for (const seq of [4, 5, 6, 7]) expect(at(messages, seq).replyTo).toEqual({ visible: false });
  });

  it('a reply naming the wrong sender for a message does not resolve to it (a copied id cannot be quoted)', () => {
    const { messages } = fold([
      msg(1, ALICE_LAPTOP, text('Alice said this')),
      msg(2, MALLORY_LAPTOP, text('Mallory said this'), { clientMessageId: cmid(1) }),
      msg(3, BOB_LAPTOP, text('reply to Alice', { replyTo: ref(1, ALICE) })),
      msg(4, BOB_LAPTOP, text('reply to Mallory', { replyTo: ref(1, MALLORY) })),
      msg(5, BOB_LAPTOP, text('reply to no one', { replyTo: ref(1, BOB) })),
    ]);
    expect(at(messages, 3).replyTo).toMatchObject({ visible: true, seq: 1, senderUserId: ALICE });
    expect(at(messages, 4).replyTo).toMatchObject({ visible: true, seq: 2, senderUserId: MALLORY });
    expect(at(messages, 5).replyTo).toEqual({ visible: false });
  });

  it('a reply to an edit message resolves to nothing: replies name messages, not changes to them', () => {
    const { messages } = fold([
      msg(1, ALICE_LAPTOP, text('x')),
      msg(2, ALICE_LAPTOP, edit(1, 'y')),
      msg(3, BOB_LAPTOP, text('re', { replyTo: ref(2, ALICE) })),
    ]);
    expect(at(messages, 3).replyTo).toEqual({ visible: false });
  });

  it('previews on one line, cut to PREVIEW_LENGTH characters', () => {
    expect(previewOf('  two\n\nlines  ')).toBe('two lines');
    const long = previewOf('word '.repeat(40));
    expect(long.length).toBeLessThanOrEqual(PREVIEW_LENGTH);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('foldConversation: mentions', () => {
  it('marks mentionsMe only for the reader named, in someone else’s verified message', () => {
    const ms = [
      msg(1, ALICE_LAPTOP, text('@Bob please call', { mentions: [BOB] })),
      msg(2, BOB_LAPTOP, text('note to self', { mentions: [BOB] })),
      msg(3, ALICE_LAPTOP, text('@Mallory', { mentions: [MALLORY] })),
      msg(4, ALICE_LAPTOP, null, { unverified: true }),
    ];
    const bob = fold(ms, BOB).messages;
    expect(bob.filter((m) => m.mentionsMe).map((m) => m.seq)).toEqual([1]);
    expect(at(bob, 1).mentions).toEqual([BOB]);
    const mallory = fold(ms, MALLORY).messages;
    expect(mallory.filter((m) => m.mentionsMe).map((m) => m.seq)).toEqual([3]);
    expect(fold(ms, ALICE).messages.some((m) => m.mentionsMe)).toBe(false);
  });

  it('follows the current text: an edit by the sender changes who is mentioned; a forged edit does not', () => {
    const ms = [
      msg(1, ALICE_LAPTOP, text('for Mallory', { mentions: [MALLORY] })),
      msg(2, ALICE_LAPTOP, edit(1, 'for Bob', { mentions: [BOB] })),
      msg(3, BOB_LAPTOP, text('hello', { mentions: [] })),
      msg(4, MALLORY_LAPTOP, edit(3, 'hello', { mentions: [ALICE] })),
    ];
    expect(at(fold(ms, BOB).messages, 1).mentionsMe).toBe(true);
    expect(at(fold(ms, MALLORY).messages, 1).mentionsMe).toBe(false);
    expect(at(fold(ms, ALICE).messages, 3).mentionsMe).toBe(false);
  });
});

describe('foldConversation: content this app cannot show', () => {
  it('shows content of an unknown type or a broken shape as unsupported, without crashing', () => {
    const { messages } = fold([
      msg(1, ALICE_LAPTOP, { type: 'poll', question: '?' }),
      msg(2, ALICE_LAPTOP, { type: 'text', body: 42 }),
      msg(3, ALICE_LAPTOP, { type: 'text', body: 'hi', mentions: 'everyone' }),
      msg(4, ALICE_LAPTOP, { type: 'text', body: 'hi', replyTo: { clientMessageId: 'nope', senderUserId: BOB } }),
      msg(5, MALLORY_LAPTOP, { type: 'edit', body: 'no target' }),
      msg(6, ALICE_LAPTOP, { type: 'text', body: 'fine', futureField: { x: 1 } }),
    ]);
    expect(messages.map((m) => [m.seq, m.kind, m.text])).toEqual([
      [1, 'unsupported', null],
      [2, 'unsupported', null],
      [3, 'unsupported', null],
      [4, 'unsupported', null],
      [5, 'unsupported', null],
      [6, 'text', 'fine'],
    ]);
  });

  it('reads messages written before replies and mentions existed', () => {
    const { messages } = fold([msg(1, ALICE_LAPTOP, { type: 'text', body: 'plain old message' })]);
    expect(messages[0]).toMatchObject({ kind: 'text', text: 'plain old message', mentions: [], mentionsMe: false });
    expect(messages[0].replyTo).toBeUndefined();
  });
});

describe('file messages', () => {
  beforeEach(() => {
    counters = {};
  });
  const ref = {
    type: 'file',
    attachmentId: '9e000000-0000-4000-8000-000000000001',
    name: 'referral.pdf',
    mediaType: 'application/pdf',
    size: 123_456,
    key: 'A'.repeat(43),
    header: 'B'.repeat(32),
    chunkSize: 65536,
  };

  it('shows a file as a file (name, type, size, caption), not as a message this app cannot show', () => {
    const [m] = foldConversation([msg(1, ALICE_LAPTOP, { ...ref, caption: 'From school' })], BOB, NOW).messages;
    expect(m).toMatchObject({
      kind: 'file',
      text: null,
      file: { name: 'referral.pdf', mediaType: 'application/pdf', size: 123_456, caption: 'From school' },
    });
    expect(m.file?.ref).toEqual(ref);
  });

  it('shows a file reference with a damaged key as a message this app cannot show', () => {
    const [m] = foldConversation([msg(1, ALICE_LAPTOP, { ...ref, key: 'short' })], BOB, NOW).messages;
    expect(m.kind).toBe('unsupported');
    expect(m.file).toBeUndefined();
  });

  it('quotes a file in a reply by its name and caption; an edit of a file changes nothing', () => {
    const view = foldConversation(
      [
        msg(1, ALICE_LAPTOP, { ...ref, caption: 'From school' }),
        msg(2, BOB_LAPTOP, text('Thanks', { replyTo: { clientMessageId: cmid(1), senderUserId: ALICE } })),
        msg(3, ALICE_LAPTOP, edit(1, 'changed caption')),
      ],
      BOB,
      NOW,
    ).messages;
    expect(view[1].replyTo).toMatchObject({ visible: true, seq: 1, preview: 'referral.pdf: From school' });
    expect(view[0]).toMatchObject({ kind: 'file', edited: false, file: { caption: 'From school' } });
  });
});
