import type { DecryptedMessage } from '../../../sdk/index.js';

/** A message as a channel screen shows it: edits folded in, its reply resolved, mentions marked. */
export interface ShownMessage {
  seq: number;
  clientMessageId: string | null;
  senderUserId: string | null;
  createdAt: string;
  expiresAt: string;
  text: string | null;
  /** Why there is no text: deleted, cannot be read, or a kind of message this page cannot show. */
  placeholder: string | null;
  edited: boolean;
  replyTo: { senderUserId: string | null; preview: string | null } | null;
  mentionsMe: boolean;
  mine: boolean;
  warning: string | null;
}

/** Turns the decrypted messages of a channel into what the screen shows, in order. */
export function thread(messages: DecryptedMessage[], myUserId: string): ShownMessage[] {
  return messages.map((m) => {
    const content = m.content as { type?: string; text?: unknown } | null;
    const text = !m.deleted && content?.type === 'text' && typeof content.text === 'string' ? content.text : null;
    return {
      seq: m.seq,
      clientMessageId: null,
      senderUserId: m.unverified ? null : m.senderUserId,
      createdAt: m.sentAt ?? m.createdAt,
      expiresAt: m.expiresAt,
      text,
      placeholder: m.deleted
        ? 'This message was deleted.'
        : m.error
          ? 'This message cannot be read on this device.'
          : text === null
            ? 'A message this app cannot show.'
            : null,
      edited: false,
      replyTo: null,
      mentionsMe: false,
      mine: !m.unverified && m.senderUserId === myUserId,
      warning: m.warning ?? (m.unverified ? 'Strongroom could not confirm who sent this message.' : null),
    };
  });
}
