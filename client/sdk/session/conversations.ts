import type { StoredMessageView } from '../types.js';
import { foldConversation, type ConversationView, type MessageView } from '../content/conversation.js';
import {
  editContent,
  MessageContentError,
  parseContent,
  textContent,
  type MessageRef,
} from '../content/message-content.js';
import type { DecryptedMessage, MessageCache } from './message-cache.js';
import type { MessageStream, SendOptions } from './message-stream.js';

const PAGE = 500;

/** A message to reply to: as a view shows it, or as it was decrypted. */
export type ReplyTarget = MessageView | DecryptedMessage;

/** What `sendText` takes besides the channel and the text. */
export interface SendTextOptions extends SendOptions {
  /** The message this one answers: it must be one the sender can read (kind `text`). */
  replyTo?: ReplyTarget;
  /** User ids of the people to notify (each once; at most MAX_MENTIONS). */
  mentions?: readonly string[];
}

/** What `editMessage` takes besides the channel, the message and its new text. */
export interface EditOptions extends SendOptions {
  /** Who the new text mentions; the message's current mentions when left out. */
  mentions?: readonly string[];
}

/** A whole channel as this reader sees it, and the last sequence number the server gave out there. */
export interface ChannelConversation extends ConversationView {
  /** Where a subscription that follows on from this view starts (`subscribe(…, { after: lastSeq })`). */
  lastSeq: number;
}

/** Names the message replied to, if it is one whose sender and words this device verified. */
function refTo(channelId: string, target: ReplyTarget): MessageRef {
  const readable =
    'kind' in target
      ? (target.kind === 'text' || target.kind === 'file') && target.senderUserId !== null
      : !target.deleted &&
        !target.unverified &&
        !target.error &&
        ['text', 'file'].includes(parseContent(target.content)?.type ?? '');
  if (target.channelId !== channelId) throw new MessageContentError('That message is in another channel.');
  if (!readable || target.senderUserId === null) {
    throw new MessageContentError('Only a message you can read can be replied to (not a deleted or unreadable one).');
  }
  return { clientMessageId: target.clientMessageId, senderUserId: target.senderUserId };
}

/**
 * Replies, mentions and edits, all inside the sealed content (docs/protocol.md, "Message content"): built
 * here, sent through `MessageStream.send` (the one send path, with its retries of the same bytes and
 * its client message ids), and folded on reading by `foldConversation`, whose rules every reader applies.
 */
export class Conversations {
  constructor(
    private readonly messages: MessageStream,
    private readonly cache: MessageCache,
    private readonly userId: string,
    private readonly now: () => Date,
  ) {}

  /**
   * A text message, perhaps a reply, perhaps mentioning people. Resolves with the stored message. Both
   * methods here are async so that a refusal is a rejected promise, like every other failure of a send.
   */
  async sendText(channelId: string, text: string, opts: SendTextOptions = {}): Promise<StoredMessageView> {
    const content = textContent(text, {
      replyTo: opts.replyTo ? refTo(channelId, opts.replyTo) : undefined,
      mentions: opts.mentions,
    });
    return await this.messages.send(channelId, content, { clientMessageId: opts.clientMessageId });
  }

  /**
   * A new text for one of this user's own messages. Every reader ignores an edit of anyone else's, so
   * one is refused here before it is sent; so is an edit of a message that is deleted or unreadable.
   */
  async editMessage(
    channelId: string,
    original: MessageView,
    text: string,
    opts: EditOptions = {},
  ): Promise<StoredMessageView> {
    if (original.channelId !== channelId) throw new MessageContentError('That message is in another channel.');
    if (original.senderUserId !== this.userId) {
      throw new MessageContentError('Only the person who sent a message can change it.');
    }
    if (original.kind !== 'text')
      throw new MessageContentError('That message cannot be changed: it is deleted or cannot be read.');
    const content = editContent(original.clientMessageId, text, { mentions: opts.mentions ?? original.mentions });
    return await this.messages.send(channelId, content, { clientMessageId: opts.clientMessageId });
  }

  /**
   * Every message of the channel this member may read, fetched, decrypted, checked and folded: edits
   * in their originals, replies resolved, mentions of this user marked. They are kept in the cache, so
   * `conversation` goes on from here as a subscription delivers more.
   */
  async readConversation(channelId: string): Promise<ChannelConversation> {
    const all: DecryptedMessage[] = [];
    let lastSeq = 0;
    for (let after = 0, more = true; more;) {
      const page = await this.messages.read(channelId, { after, limit: PAGE });
      all.push(...page.messages);
      lastSeq = page.lastSeq;
      after = page.nextAfter;
      more = page.more;
    }
    return { ...foldConversation(all, this.userId, this.now()), lastSeq };
  }

  /** The channel as this device holds it now (what it read and was delivered, nothing expired), folded. */
  conversation(channelId: string): ConversationView {
    return foldConversation(this.cache.cached(channelId), this.userId, this.now());
  }
}
