/**
 * The rules every reader applies to replies, mentions and edits (docs/protocol.md, "Message content").
 * They run in each member's client, over the messages that client decrypted and verified, because the
 * server cannot see any of it. So think of a channel member as the attacker: anything a member can
 * write, they can write on purpose, signed with their own keys.
 *
 * - An edit counts only when its sender is the original's sender: the person whose device signed it
 *   (checked exactly as for any message) and no one else. The original is looked up among that
 *   person's own messages, so a copied id does not help; an edit that names someone else's message is
 *   ignored and flagged on it.
 * - The latest edit by signed order wins: by the device's counter between two edits from one device,
 *   by the signed time between devices. The server's sequence numbers are not the sender's word.
 * - An edit of a message the reader cannot see (deleted, expired, before they joined, unreadable)
 *   shows nothing.
 * - A reply shows the replied message as the reader sees it (its current text, its verified sender),
 *   never anything the replier wrote about it; one the reader cannot see is `CANNOT_SEE`.
 * - Mentions count only in a verified message, and never in one's own.
 * Pure functions: no I/O, no clock but the one given.
 */
import type { DecryptedMessage } from '../session/message-cache.js';
import type { MessageOrder } from '../session/message-order.js';
import type { FileReference } from './file-reference.js';
import {
  parseContent,
  type ChatContent,
  type EditContent,
  type FileContent,
  type MessageRef,
  type TextContent,
} from './message-content.js';

/** The warning on a message someone other than its sender tried to change (who, in `rejectedEdits`). */
export const FORGED_EDIT_WARNING =
  'Someone who did not send this message tried to change it; only its sender can, so the change is not shown.';

/** How long a reply's preview of the replied message is, at most (then cut with "…"). */
export const PREVIEW_LENGTH = 80;

/**
 * What a message is to the reader:
 * - `text`: verified and readable; `text` holds its current words;
 * - `deleted`: its sender deleted it (the server keeps its place);
 * - `unreadable`: signed by its sender, but this device holds no key for it;
 * - `unverified`: it failed verification (altered, or not from the person the server names): show no sender;
 * - `file`: verified and readable, a file (`file` describes it; `downloadFile(file.ref)` fetches it);
 * - `unsupported`: verified, but of a type or shape this app does not know: show `CANNOT_SHOW`.
 * Edits are never entries of their own: they are folded into the message they change.
 */
export type MessageViewKind = 'text' | 'file' | 'deleted' | 'unreadable' | 'unverified' | 'unsupported';

/** A file message as a person should be shown it: its name, type, size and caption, and how to fetch it. */
export interface FileView {
  name: string;
  mediaType: string;
  size: number;
  caption: string | null;
  /** What `SecureSession.downloadFile` takes (the file's key is in it: keep it as private as the message). */
  ref: FileReference;
}

/** The message a reply answers, as this reader sees it. */
export type ReplyPreview =
  | {
      visible: true;
      seq: number;
      clientMessageId: string;
      senderUserId: string;
      /** Its current text (edits folded in), on one line, at most PREVIEW_LENGTH characters. */
      preview: string;
    }
  /** Before the reader joined, deleted, expired, unreadable or never sent: show `CANNOT_SEE`, nothing else. */
  | { visible: false };

/** An edit that was not applied because its sender did not send the message it names. */
export interface RejectedEdit {
  /** The edit's own sequence number and its (verified) sender. */
  seq: number;
  senderUserId: string;
  /** The message it tried to change. */
  targetSeq: number;
}

/** One message as a person should be shown it, with its edits folded in and its reply resolved. */
export interface MessageView {
  channelId: string;
  seq: number;
  id: string;
  clientMessageId: string;
  kind: MessageViewKind;
  /** The verified sender; null when the message failed verification (show no sender then). */
  senderUserId: string | null;
  createdAt: string;
  expiresAt: string;
  /** The sender's own signed clock when it was first written. */
  sentAt?: string;
  /** The current text (the latest edit's, if edited) for `text`; null for every other kind. */
  text: string | null;
  /** For `file`: the file (its caption too; `text` stays null, as a file's caption cannot be edited). */
  file?: FileView;
  edited: boolean;
  /** When the text shown was written: the latest applied edit's signed time. */
  editedAt?: string;
  replyTo?: ReplyPreview;
  /** User ids the current text mentions. */
  mentions: string[];
  /** The reader is among `mentions`, in a verified message someone else sent: notify them. */
  mentionsMe: boolean;
  /** The message's place in its sender's signed order (`ok` unless the server's records were changed). */
  order?: MessageOrder;
  /**
   * Plain words for the reader, each to be shown beside the message: it was moved, removed around or
   * re-dated on the server (as `order` says); the edit shown was; someone else tried to change it.
   */
  warnings: string[];
  /** Edits by people other than its sender, ignored. */
  rejectedEdits: RejectedEdit[];
  /** Why it could not be read (`unreadable`, `unverified`). */
  error?: string;
}

/** A channel's messages as a person should be shown them. */
export interface ConversationView {
  messages: MessageView[];
  /** Every edit ignored because someone other than the message's sender made it: an attempt to flag. */
  rejectedEdits: RejectedEdit[];
}

interface Parsed {
  m: DecryptedMessage;
  /** The verified content, or null (tombstone, unreadable, unverified, or not a known type). */
  content: ChatContent | null;
}

const key = (senderUserId: string, clientMessageId: string) => `${senderUserId}\n${clientMessageId}`;

/** Whether the sender's signature held and the content was read: the only messages whose words count. */
const verified = (m: DecryptedMessage) => !m.deleted && !m.unverified && !m.error && m.content !== null;

/**
 * Whether edit `a` comes after edit `b` in their sender's signed order: from one device, its counter
 * (each message signs the link to the one before); from two devices, the signed time, then the
 * sequence number only to break a tie.
 */
function later(a: DecryptedMessage, b: DecryptedMessage): boolean {
  if (a.senderDeviceId === b.senderDeviceId && a.n !== undefined && b.n !== undefined) return a.n > b.n;
  const ta = Date.parse(a.sentAt ?? a.createdAt);
  const tb = Date.parse(b.sentAt ?? b.createdAt);
  return ta !== tb ? ta > tb : a.seq > b.seq;
}

function kindOf(p: Parsed): MessageViewKind {
  if (p.m.deleted) return 'deleted';
  if (p.m.unverified) return 'unverified';
  if (p.m.error || p.m.content === null) return 'unreadable';
  return p.content?.type === 'text' ? 'text' : p.content?.type === 'file' ? 'file' : 'unsupported';
}

function fileView(c: FileContent): FileView {
  const { caption, ...ref } = c;
  return { name: c.name, mediaType: c.mediaType, size: c.size, caption: caption ?? null, ref };
}

/** One line of at most PREVIEW_LENGTH characters. */
export function previewOf(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= PREVIEW_LENGTH ? line : `${line.slice(0, PREVIEW_LENGTH - 1).trimEnd()}…`;
}

/**
 * Folds decrypted messages (in any order, each at most once per sequence number) into what the reader
 * sees: edits applied to their originals by the rules above, replies resolved, mentions of `me` marked.
 * Messages past their expiry at `now` count as gone, whatever the list holds.
 */
export function foldConversation(messages: readonly DecryptedMessage[], me: string, now: Date): ConversationView {
  const at = now.getTime();
  const bySeq = new Map<number, Parsed>();
  for (const m of messages) {
    if (Date.parse(m.expiresAt) <= at) continue;
    bySeq.set(m.seq, { m, content: verified(m) ? parseContent(m.content) : null });
  }
  const all = [...bySeq.values()].sort((a, b) => a.m.seq - b.m.seq);

  // The messages edits and replies can name: every one but edits and those that failed verification
  // (whose sender is unknown), by its sender and id (the first by sequence number, should one person
  // have used an id twice). Tombstones are in, so that an edit of a deleted message finds it deleted:
  // their sender is only the server's word, but all they ever show is that they are deleted.
  const originals = new Map<string, Parsed>();
  // Who sent each id, among messages whose sender is verified: to tell a forged edit from one whose
  // message the reader cannot see.
  const verifiedSenders = new Map<string, Parsed[]>();
  for (const p of all) {
    if (p.content?.type === 'edit' || p.m.unverified) continue;
    const k = key(p.m.senderUserId, p.m.clientMessageId);
    if (!originals.has(k)) originals.set(k, p);
    if (!p.m.deleted) {
      const list = verifiedSenders.get(p.m.clientMessageId) ?? [];
      list.push(p);
      verifiedSenders.set(p.m.clientMessageId, list);
    }
  }

  const latestEdit = new Map<number, { m: DecryptedMessage; content: EditContent }>();
  const rejected = new Map<number, RejectedEdit[]>();
  const rejectedAll: RejectedEdit[] = [];
  for (const p of all) {
    if (p.content?.type !== 'edit') continue;
    const edit = p.content;
    const target = originals.get(key(p.m.senderUserId, edit.of));
    if (target) {
      // Only a readable text message takes edits; of anything else (deleted, unreadable…) nothing shows.
      if (target.content?.type !== 'text') continue;
      const current = latestEdit.get(target.m.seq);
      if (!current || later(p.m, current.m)) latestEdit.set(target.m.seq, { m: p.m, content: edit });
      continue;
    }
    // Not one of the editor's own: if it is someone else's message, this is a member trying to change
    // another's words. Each such message is flagged (a copied id may name several).
    for (const victim of verifiedSenders.get(edit.of) ?? []) {
      const r: RejectedEdit = { seq: p.m.seq, senderUserId: p.m.senderUserId, targetSeq: victim.m.seq };
      rejected.set(victim.m.seq, [...(rejected.get(victim.m.seq) ?? []), r]);
      rejectedAll.push(r);
    }
  }

  // Current text and mentions of each text message, for the entries and for the replies that quote them.
  const current = new Map<number, { text: string; mentions: string[] }>();
  for (const p of all) {
    if (p.content?.type !== 'text') continue;
    const edit = latestEdit.get(p.m.seq)?.content;
    const source: TextContent | EditContent = edit ?? p.content;
    current.set(p.m.seq, { text: source.body, mentions: [...new Set(source.mentions ?? [])] });
  }

  const reply = (ref: MessageRef): ReplyPreview => {
    const target = originals.get(key(ref.senderUserId, ref.clientMessageId));
    const file = target?.content?.type === 'file' ? target.content : null;
    // A file is quoted by its name (and caption): what its reader sees of it.
    const words = file
      ? { text: file.caption ? `${file.name}: ${file.caption}` : file.name }
      : target && current.get(target.m.seq);
    if (!target || !words) return { visible: false };
    return {
      visible: true,
      seq: target.m.seq,
      clientMessageId: target.m.clientMessageId,
      senderUserId: target.m.senderUserId,
      preview: previewOf(words.text),
    };
  };

  const views: MessageView[] = [];
  for (const p of all) {
    if (p.content?.type === 'edit') continue;
    const m = p.m;
    const kind = kindOf(p);
    const edit = latestEdit.get(m.seq);
    const state = current.get(m.seq);
    const rejectedHere = rejected.get(m.seq) ?? [];
    const warnings: string[] = [];
    if (m.warning) warnings.push(m.warning);
    if (edit?.m.warning) warnings.push(`The latest change to this message: ${edit.m.warning}`);
    if (rejectedHere.length) warnings.push(FORGED_EDIT_WARNING);
    const mentions = state?.mentions ?? [];
    views.push({
      channelId: m.channelId,
      seq: m.seq,
      id: m.id,
      clientMessageId: m.clientMessageId,
      kind,
      senderUserId: m.unverified ? null : m.senderUserId,
      createdAt: m.createdAt,
      expiresAt: m.expiresAt,
      ...(m.sentAt ? { sentAt: m.sentAt } : {}),
      text: state?.text ?? null,
      ...(p.content?.type === 'file' ? { file: fileView(p.content) } : {}),
      edited: edit !== undefined,
      ...(edit ? { editedAt: edit.m.sentAt ?? edit.m.createdAt } : {}),
      ...(p.content?.type === 'text' && p.content.replyTo ? { replyTo: reply(p.content.replyTo) } : {}),
      mentions,
      mentionsMe: kind === 'text' && m.senderUserId !== me && mentions.includes(me),
      ...(m.order ? { order: m.order } : {}),
      warnings,
      rejectedEdits: rejectedHere,
      ...(m.error ? { error: m.error } : {}),
    });
  }
  return { messages: views, rejectedEdits: rejectedAll };
}
