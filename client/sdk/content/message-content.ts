/**
 * What a chat message says, inside its sealed body (docs/protocol.md, "Message content"). The server
 * never parses any of this: it stores ciphertext, and replies, mentions and edits exist only here, in
 * every member's client. So this lives in the SDK, not in contracts/ (which the server imports).
 *
 * Content is read defensively: another client (or a newer version of this one) may write a shape this
 * one does not know, and a member may write a broken one on purpose. Whatever does not fit the schemas
 * below is "a message this app cannot show", never a crash.
 */
import { z } from 'zod';
import type { MessageContent } from '../crypto/channel-crypto.js';
import { fileReferenceSchema, type FileReference } from './file-reference.js';

/** The most people one message may mention: far above any meeting, and bounds a reader's work. */
export const MAX_MENTIONS = 100;

/** What a client shows for a message whose content does not fit any type it knows. */
export const CANNOT_SHOW = 'a message this app cannot show';
/** What a client shows for a reply to a message the reader cannot see (before they joined, deleted, expired). */
export const CANNOT_SEE = 'a message you cannot see';

/**
 * Names one message of the channel: the `clientMessageId` from its signed header and the person who
 * sent it. Not the sequence number, which the server assigns and could change in its database (and is
 * not known before the server acknowledges a send); the id is the sender's own, signed, and known from
 * the start. The sender is named too because the id is unique only per device: another member could
 * send a message of their own under a copied id, and must not thereby become the one replied to.
 */
export const messageRefSchema = z.object({ clientMessageId: z.uuid(), senderUserId: z.uuid() });
export type MessageRef = z.infer<typeof messageRefSchema>;

/** Absent and null alike mean "none", as a client in another language may write either. */
const mentionsSchema = z.array(z.uuid()).max(MAX_MENTIONS).nullish();

/**
 * A text message. `body` is the field every message so far was sent with (`{"type":"text","body":…}`),
 * kept so that they all still read; views call it `text`.
 */
export const textContentSchema = z.object({
  type: z.literal('text'),
  body: z.string(),
  /** The message this one answers. */
  replyTo: messageRefSchema.nullish(),
  /** User ids of the people it mentions: each of them is told (`mentionsMe`). */
  mentions: mentionsSchema,
});
export type TextContent = z.infer<typeof textContentSchema>;

/**
 * A new version of one of the sender's own text messages: its whole text and mentions. `of` is the
 * original's `clientMessageId`; readers look it up among the edit's sender's own messages only, so an
 * edit can never reach someone else's (docs/protocol.md, "Message content").
 */
export const editContentSchema = z.object({
  type: z.literal('edit'),
  of: z.uuid(),
  body: z.string(),
  mentions: mentionsSchema,
});
export type EditContent = z.infer<typeof editContentSchema>;

/**
 * A file, perhaps with a caption: the file reference (its id, name, type, size and key; see
 * file-reference.ts) with an optional `caption`. The file itself is fetched and decrypted separately.
 */
export const fileContentSchema = fileReferenceSchema.extend({
  caption: z.string().nullish(),
});
export type FileContent = z.infer<typeof fileContentSchema>;

export const chatContentSchema = z.discriminatedUnion('type', [
  textContentSchema,
  editContentSchema,
  fileContentSchema,
]);
export type ChatContent = z.infer<typeof chatContentSchema>;

/**
 * Decrypted content as one of the types above, or null when it is not one (an unknown type, a field of
 * the wrong shape). Fields this version does not know are dropped, so a newer client's additions do not
 * stop the text from showing.
 */
export function parseContent(content: MessageContent | null): ChatContent | null {
  if (content === null) return null;
  const parsed = chatContentSchema.safeParse(content);
  return parsed.success ? parsed.data : null;
}

/** Content a caller asked to write that no reader would accept (so it is refused before it is sealed). */
export class MessageContentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MessageContentError';
  }
}

function checkedText(text: string): string {
  if (typeof text !== 'string' || !text.trim()) throw new MessageContentError('A message needs some text.');
  return text;
}

/** Each mentioned person once, in the order given; refuses what readers would not accept. */
function checkedMentions(mentions: readonly string[] | undefined): string[] | undefined {
  if (!mentions?.length) return undefined;
  const unique = [...new Set(mentions)];
  if (unique.length > MAX_MENTIONS)
    throw new MessageContentError(`A message can mention at most ${MAX_MENTIONS} people.`);
  for (const id of unique) {
    if (!z.uuid().safeParse(id).success) throw new MessageContentError(`"${id}" is not a user id.`);
  }
  return unique;
}

/** The content of a text message, checked as every reader will check it. */
export function textContent(
  text: string,
  opts: { replyTo?: MessageRef; mentions?: readonly string[] } = {},
): TextContent {
  const mentions = checkedMentions(opts.mentions);
  return textContentSchema.parse({
    type: 'text',
    body: checkedText(text),
    ...(opts.replyTo
      ? { replyTo: { clientMessageId: opts.replyTo.clientMessageId, senderUserId: opts.replyTo.senderUserId } }
      : {}),
    ...(mentions ? { mentions } : {}),
  });
}

/** The content of an edit of the sender's own message `of` (its client message id). */
export function editContent(of: string, text: string, opts: { mentions?: readonly string[] } = {}): EditContent {
  if (!z.uuid().safeParse(of).success) throw new MessageContentError(`"${of}" is not a message id.`);
  const mentions = checkedMentions(opts.mentions);
  return editContentSchema.parse({ type: 'edit', of, body: checkedText(text), ...(mentions ? { mentions } : {}) });
}

/** The content of a file message: the reference `uploadFile` returned, and a caption if given (not blank). */
export function fileContent(ref: FileReference, caption?: string): FileContent {
  const parsed = fileReferenceSchema.safeParse(ref);
  if (!parsed.success) throw new MessageContentError('That is not a file reference made by uploadFile.');
  return fileContentSchema.parse({ ...parsed.data, ...(caption?.trim() ? { caption } : {}) });
}
