import type { ConversationView, SecureSession } from '../../../sdk/browser.js';
import type { ChannelItem } from './inbox.js';

/**
 * Searching the messages this page has opened. The server cannot search what it cannot read, so the
 * search runs here, over what the SDK holds in memory for this unlocked session (`SecureSession.cached`,
 * folded by `conversation`): nothing is sent, nothing is written to disk, and it all goes when the keys
 * are locked. What is not opened yet cannot be found, so the screen offers to open every conversation.
 */

/** One message found: where, who, when, and its current text (edits folded in). */
export interface SearchHit {
  channelId: string;
  seq: number;
  senderUserId: string | null;
  /** When it was written, by its sender's signed clock. */
  at: string;
  edited: boolean;
  expiresAt: string;
  text: string;
}

/** A piece of a found message's text, marked when it is one of the words searched for. */
export interface TextPart {
  text: string;
  marked: boolean;
}

/**
 * How far this page has read each conversation, by session: the highest message number read. Keyed by
 * the session, so it goes with it when the keys are locked (and another session starts afresh).
 */
const readUpTo = new WeakMap<SecureSession, Map<string, number>>();

function readMap(secure: SecureSession): Map<string, number> {
  let map = readUpTo.get(secure);
  if (!map) readUpTo.set(secure, (map = new Map<string, number>()));
  return map;
}

/**
 * The highest message number this page has read of a conversation (here, or on its own screen), or
 * null when it has opened none of it. Remembered, so that a conversation whose messages have since
 * expired or been deleted still counts as opened.
 */
export function openedUpTo(secure: SecureSession, channelId: string): number | null {
  const cached = secure.cached(channelId);
  const map = readMap(secure);
  const read = map.get(channelId);
  if (!cached.length) return read ?? null;
  const upTo = Math.max(read ?? 0, cached[cached.length - 1].seq);
  map.set(channelId, upTo);
  return upTo;
}

/** The conversations with messages this page has not opened: never opened, or newer ones since. */
export function notOpened(secure: SecureSession, channels: readonly ChannelItem[]): ChannelItem[] {
  return channels.filter((c) => {
    const upTo = openedUpTo(secure, c.id);
    return upTo === null || upTo < c.lastSeq;
  });
}

/** A conversation that could not be opened, and why in plain words. */
export interface OpenFailure {
  name: string;
  reason: string;
}

/**
 * Opens (fetches and decrypts into the session's memory) every message of `channels` this page has not
 * read yet, one conversation at a time so as not to crowd the server or this machine. `progress` hears
 * which one it is on (from 1); `stopped` ends it early (the screen closed). One that fails is reported
 * and the rest go on.
 */
export async function openConversations(
  secure: SecureSession,
  channels: readonly ChannelItem[],
  progress: (current: number, total: number) => void,
  explain: (err: unknown) => string,
  stopped: () => boolean = () => false,
): Promise<OpenFailure[]> {
  const failures: OpenFailure[] = [];
  const map = readMap(secure);
  for (let i = 0; i < channels.length && !stopped(); i++) {
    const c = channels[i];
    progress(i + 1, channels.length);
    try {
      const got = await secure.readAll(c.id, openedUpTo(secure, c.id) ?? 0);
      const last = got.length ? got[got.length - 1].seq : 0;
      map.set(c.id, Math.max(map.get(c.id) ?? 0, c.lastSeq, last));
    } catch (err) {
      failures.push({ name: c.name, reason: explain(err) });
    }
  }
  return failures;
}

/** The words of a search: split on spaces, each once, in any order; case does not matter. */
export function searchWords(query: string): string[] {
  const seen = new Set<string>();
  const words: string[] = [];
  for (const w of query.trim().split(/\s+/)) {
    const key = w.toLowerCase();
    if (w && !seen.has(key)) {
      seen.add(key);
      words.push(w);
    }
  }
  return words;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One expression that finds any of the words, ignoring case (Unicode-aware, so "É" finds "é"). */
function anyOf(words: readonly string[]): RegExp {
  // Longest first, so that of "visit" and "visiting" the longer is the one marked.
  const sorted = [...words].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map(escape).join('|'), 'giu');
}

/** Whether every word is somewhere in the text, in any order and any case. */
export function matchesAll(text: string, words: readonly string[]): boolean {
  return words.length > 0 && words.every((w) => new RegExp(escape(w), 'iu').test(text));
}

/** The text cut into pieces, the words searched for marked, for showing with `<mark>`. */
export function markWords(text: string, words: readonly string[]): TextPart[] {
  if (!words.length) return [{ text, marked: false }];
  const parts: TextPart[] = [];
  let at = 0;
  for (const m of text.matchAll(anyOf(words))) {
    if (!m[0]) continue;
    if (m.index > at) parts.push({ text: text.slice(at, m.index), marked: false });
    const last = parts[parts.length - 1];
    // Two words side by side make one marked stretch.
    if (last?.marked && m.index === at) last.text += m[0];
    else parts.push({ text: m[0], marked: true });
    at = m.index + m[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), marked: false });
  return parts;
}

/**
 * The messages of one conversation, as the SDK folds them for the reader, that hold every word: only
 * readable text (never a deleted, unreadable or unverified message, never an edit by itself), the
 * current text (edits folded in), nothing expired at `now`.
 */
export function findInConversation(view: ConversationView, words: readonly string[], now: Date): SearchHit[] {
  const at = now.getTime();
  const hits: SearchHit[] = [];
  for (const m of view.messages) {
    if (m.kind !== 'text' || m.text === null || Date.parse(m.expiresAt) <= at) continue;
    if (!matchesAll(m.text, words)) continue;
    hits.push({
      channelId: m.channelId,
      seq: m.seq,
      senderUserId: m.senderUserId,
      at: m.sentAt ?? m.createdAt,
      edited: m.edited,
      expiresAt: m.expiresAt,
      text: m.text,
    });
  }
  return hits;
}

/** Every message this page has opened that holds every word, newest first. */
export function searchOpened(
  secure: SecureSession,
  channels: readonly ChannelItem[],
  words: readonly string[],
  now = new Date(),
): SearchHit[] {
  if (!words.length) return [];
  const hits = channels.flatMap((c) => findInConversation(secure.conversation(c.id), words, now));
  return hits.sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || b.seq - a.seq);
}
