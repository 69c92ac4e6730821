import {
  CANNOT_SEE,
  CANNOT_SHOW,
  FORGED_EDIT_WARNING,
  fileSizeInWords,
  type ConversationView,
  type DecryptedMessage,
  type MessageView,
  type SecureSession,
} from '../../../sdk/node.js';

/** Display names of a channel's members, to print who said what. */
export async function names(session: SecureSession, channelId: string): Promise<Map<string, string>> {
  const channel = await session.client.channel(channelId);
  return new Map(channel.members.map((m) => [m.userId, m.displayName]));
}

const when = (iso: string) => iso.replace('T', ' ').slice(0, 16);
const nameOf = (who: Map<string, string>, userId: string) => who.get(userId) ?? userId;

/** A message whose place or time in the conversation was changed on the server. */
export const flaggedOrder = (m: { order?: string }) => m.order !== undefined && m.order !== 'ok';

/** Anything `read` marks with a WARNING: moved, removed around or re-dated, or someone tried to change it. */
export const warned = (v: MessageView) => v.warnings.length > 0;

/**
 * One message as `read` and `tail` print it: its edits folded in ("(edited)"), the message it answers
 * ("↪ replying to Name: …"), whether it mentions you, and a WARNING for anything the reader must know.
 */
export function viewLines(v: MessageView, who: Map<string, string>): string {
  const head = `#${v.seq}  ${when(v.createdAt)}  `;
  // Who the server says sent it is exactly what failed to check out: name nobody.
  if (v.kind === 'unverified') return `${head}(could not be verified: ${v.error ?? 'unknown reason'})\n`;
  const name = nameOf(who, v.senderUserId ?? '');
  const body: Record<Exclude<MessageView['kind'], 'unverified'>, () => string> = {
    text: () => `${v.text ?? ''}${v.edited ? ' (edited)' : ''}${v.mentionsMe ? ' (mentions you)' : ''}`,
    file: () =>
      `[file] ${v.file?.name ?? ''} (${fileSizeInWords(v.file?.size ?? 0)})${v.file?.caption ? ` ${v.file.caption}` : ''}` +
      `  (strongroom download <channel> ${v.seq})`,
    deleted: () => '(deleted)',
    unreadable: () => `(unable to decrypt: ${v.error ?? 'unknown reason'})`,
    unsupported: () => `(${CANNOT_SHOW})`,
  };
  let out = `${head}${name}: ${body[v.kind]()}\n`;
  if (v.replyTo) {
    out += v.replyTo.visible
      ? `      ↪ replying to ${nameOf(who, v.replyTo.senderUserId)}: ${v.replyTo.preview}\n`
      : `      ↪ replying to ${CANNOT_SEE}\n`;
  }
  for (const r of v.rejectedEdits) {
    out += `      WARNING: ${nameOf(who, r.senderUserId)} tried to change this message in #${r.seq}; only its sender can, so the change is not shown.\n`;
  }
  // Rejected edits are named above; the other warnings (moved, removed around, re-dated) here.
  for (const w of v.warnings) if (w !== FORGED_EDIT_WARNING) out += `      WARNING: ${w}\n`;
  return out;
}

/**
 * A message delivered live that changes another (an edit): what it did, in the view as it stands now.
 * Null when the message is not an edit.
 */
export function editLine(m: DecryptedMessage, view: ConversationView, who: Map<string, string>): string | null {
  const content = m.content as { type?: unknown; of?: unknown } | null;
  if (m.unverified || content?.type !== 'edit' || typeof content.of !== 'string') return null;
  const head = `#${m.seq}  ${when(m.createdAt)}  ${nameOf(who, m.senderUserId)}`;
  const rejected = view.rejectedEdits.find((r) => r.seq === m.seq);
  if (rejected) {
    return (
      `${head} tried to change #${rejected.targetSeq}, someone else’s message: not shown.\n` +
      `      WARNING: only the sender of a message can change it.\n`
    );
  }
  const original = view.messages.find(
    (v) => v.clientMessageId === content.of && v.senderUserId === m.senderUserId && v.kind === 'text',
  );
  if (!original) return `${head} changed ${CANNOT_SEE}.\n`;
  return `${head} changed #${original.seq}:\n${viewLines(original, who).replace(/^/gm, '    ')}`;
}

/** A message for `--json`: what `read` printed before (content as sent), and the view as it is shown. */
export const jsonOf = (v: MessageView, raw: DecryptedMessage | undefined) => ({
  seq: v.seq,
  clientMessageId: v.clientMessageId,
  senderUserId: v.senderUserId,
  createdAt: v.createdAt,
  expiresAt: v.expiresAt,
  deleted: v.kind === 'deleted',
  /** The content as first sent; `text` is what to show now. */
  content: raw?.content ?? null,
  kind: v.kind,
  text: v.text,
  ...(v.file
    ? { file: { name: v.file.name, mediaType: v.file.mediaType, size: v.file.size, caption: v.file.caption } }
    : {}),
  edited: v.edited,
  ...(v.editedAt ? { editedAt: v.editedAt } : {}),
  ...(v.replyTo ? { replyTo: v.replyTo } : {}),
  mentions: v.mentions,
  mentionsMe: v.mentionsMe,
  ...(v.rejectedEdits.length ? { rejectedEdits: v.rejectedEdits } : {}),
  ...(v.error ? { error: v.error } : {}),
  ...(v.kind === 'unverified' ? { unverified: true } : {}),
  ...(v.sentAt ? { sentAt: v.sentAt } : {}),
  ...(v.order ? { order: v.order } : {}),
  ...(raw?.warning ? { warning: raw.warning } : {}),
  ...(v.warnings.length ? { warnings: v.warnings } : {}),
});

/** A raw message for `tail --json`, as before: its content as sent, and whether it could be verified. */
export const plainOf = (m: DecryptedMessage) => ({
  seq: m.seq,
  senderUserId: m.unverified ? null : m.senderUserId,
  createdAt: m.createdAt,
  expiresAt: m.expiresAt,
  deleted: m.deleted,
  content: m.content,
  ...(m.error ? { error: m.error } : {}),
  ...(m.unverified ? { unverified: true } : {}),
  ...(m.sentAt ? { sentAt: m.sentAt } : {}),
  ...(m.order ? { order: m.order } : {}),
  ...(m.warning ? { warning: m.warning } : {}),
});
