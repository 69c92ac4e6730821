import { editContent, MAX_MENTIONS, MessageContentError, parseContent, textContent } from './message-content.js';

const USER = '0b5c3a1e-8f7d-4c2b-9a6e-1d3f5b7c9e01';
const OTHER = '1c6d4b2f-9a8e-4d3c-8b7f-2e4a6c8d0f12';
const MESSAGE = 'e0000000-0000-4000-8000-000000000001';

describe('message content: what writers may write and readers accept', () => {
  it('writes a text message with its reply and mentions (each person once), and reads it back', () => {
    const c = textContent('hello', {
      replyTo: { clientMessageId: MESSAGE, senderUserId: USER },
      mentions: [OTHER, OTHER, USER],
    });
    expect(c).toEqual({
      type: 'text',
      body: 'hello',
      replyTo: { clientMessageId: MESSAGE, senderUserId: USER },
      mentions: [OTHER, USER],
    });
    expect(parseContent(c)).toEqual(c);
  });

  it('writes a plain text message exactly as messages were always written', () => {
    expect(textContent('hi')).toEqual({ type: 'text', body: 'hi' });
  });

  it('writes an edit naming the original by its client message id', () => {
    expect(editContent(MESSAGE, 'fixed', { mentions: [USER] })).toEqual({
      type: 'edit',
      of: MESSAGE,
      body: 'fixed',
      mentions: [USER],
    });
  });

  it('refuses before sealing what no reader would accept', () => {
    expect(() => textContent('   ')).toThrow(MessageContentError);
    expect(() => textContent('hi', { mentions: ['bob@example.org'] })).toThrow(/not a user id/);
    const many = Array.from(
      { length: MAX_MENTIONS + 1 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    expect(() => textContent('hi', { mentions: many })).toThrow(/at most/);
    expect(() => editContent('seq-4', 'x')).toThrow(/not a message id/);
  });

  it('reads unknown types, wrong shapes and nothing at all as null (shown as a message this app cannot show)', () => {
    expect(parseContent(null)).toBeNull();
    expect(parseContent({ type: 'reaction', emoji: ':)' })).toBeNull();
    expect(parseContent({ type: 'text' })).toBeNull();
    expect(parseContent({ type: 'edit', of: 'not-an-id', body: 'x' })).toBeNull();
    expect(parseContent({ type: 'text', body: 'x', mentions: [USER, 7] })).toBeNull();
  });

  it('takes null for an absent reply or mention list, and drops fields it does not know', () => {
    expect(parseContent({ type: 'text', body: 'x', replyTo: null, mentions: null, extra: 1 })).toEqual({
      type: 'text',
      body: 'x',
      replyTo: null,
      mentions: null,
    });
  });
});
