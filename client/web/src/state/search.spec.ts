import { describe, expect, it } from '@jest/globals';
import { foldConversation } from '../../../sdk/content/conversation.js';
import { editContent, textContent } from '../../../sdk/content/message-content.js';
import type { DecryptedMessage } from '../../../sdk/session/message-cache.js';
import { findInConversation, markWords, matchesAll, searchWords } from './search.js';

const CHANNEL = 'c0000000-0000-4000-8000-000000000001';
const GRACE = 'a0000000-0000-4000-8000-000000000001';
const SAM = 'a0000000-0000-4000-8000-000000000002';
const NOW = new Date('2026-03-10T12:00:00Z');

const cmid = (seq: number) => `b0000000-0000-4000-8000-${String(seq).padStart(12, '0')}`;

function msg(seq: number, from: string, content: DecryptedMessage['content'], over: Partial<DecryptedMessage> = {}) {
  const at = new Date(Date.parse('2026-03-01T10:00:00Z') + seq * 60_000).toISOString();
  return {
    channelId: CHANNEL,
    id: `f0000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    seq,
    epoch: 1,
    senderUserId: from,
    senderDeviceId: `${from}-laptop`,
    clientMessageId: cmid(seq),
    n: seq,
    createdAt: at,
    sentAt: at,
    expiresAt: '2026-04-01T00:00:00Z',
    deleted: false,
    content,
    ...over,
  } satisfies DecryptedMessage;
}

const found = (messages: DecryptedMessage[], query: string) =>
  findInConversation(foldConversation(messages, GRACE, NOW), searchWords(query), NOW).map((h) => h.text);

describe('searching what this browser has opened', () => {
  it('takes the words in any order and any case, each once', () => {
    expect(searchWords('  Home  visit home ')).toEqual(['Home', 'visit']);
    expect(searchWords('   ')).toEqual([]);
    expect(matchesAll('The HOME visit is on Monday', ['visit', 'home'])).toBe(true);
    expect(matchesAll('The home visit is on Monday', ['visit', 'school'])).toBe(false);
    expect(matchesAll('anything', [])).toBe(false);
    expect(matchesAll('Café de Paris', ['CAFÉ'])).toBe(true);
  });

  it('reads what people type as words, never as a pattern', () => {
    expect(matchesAll('costs £5 (about)', ['(about)'])).toBe(true);
    expect(matchesAll('a.b', ['a*b'])).toBe(false);
    expect(markWords('1+1=2, not 11', ['1+1'])).toEqual([
      { text: '1+1', marked: true },
      { text: '=2, not 11', marked: false },
    ]);
  });

  it('marks every place a word is, the longer word where two overlap, keeping the text as written', () => {
    expect(markWords('Visiting the visit', ['visit', 'VISITING'])).toEqual([
      { text: 'Visiting', marked: true },
      { text: ' the ', marked: false },
      { text: 'visit', marked: true },
    ]);
    expect(markWords('homevisit', ['home', 'visit'])).toEqual([{ text: 'homevisit', marked: true }]);
    expect(markWords('nothing here', ['absent'])).toEqual([{ text: 'nothing here', marked: false }]);
  });

  it('finds the current text of an edited message, and never the words it had before', () => {
    const messages = [
      msg(1, GRACE, textContent('Visit planned for Monday')),
      msg(2, GRACE, editContent(cmid(1), 'Visit moved to Tuesday')),
    ];
    expect(found(messages, 'tuesday visit')).toEqual(['Visit moved to Tuesday']);
    expect(found(messages, 'monday')).toEqual([]);
  });

  it('never finds a deleted, expired or unverified message, nor an edit by someone else', () => {
    const messages = [
      msg(1, SAM, textContent('Referral sent today')),
      msg(2, GRACE, null, { deleted: true }),
      msg(3, SAM, textContent('Referral expired'), { expiresAt: '2026-03-10T11:59:59Z' }),
      msg(4, SAM, textContent('Referral forged'), { unverified: true }),
      msg(5, GRACE, editContent(cmid(1), 'Referral rewritten by someone else')),
    ];
    expect(found(messages, 'referral')).toEqual(['Referral sent today']);
  });
});
