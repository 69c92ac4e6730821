import { messageChainLink, type MessageHeader } from '../crypto/channel-crypto.js';

/**
 * How a message stands in its sender's signed order (docs/protocol.md, "Messages"): `ok`, or why it is
 * not shown as normal. Only the server's database can make these happen to honest senders' messages.
 */
export type MessageOrder = 'ok' | 'reordered' | 'missing' | 'backdated';

/** How far the sender's clock may be from the server's before a message counts as re-dated. */
export const CLOCK_TOLERANCE_MS = 5 * 60_000;

/** What the order check needs of a message: its signed header and the server's times for it. */
export interface OrderedMessage {
  seq: number;
  header: MessageHeader;
  createdAt: string;
  expiresAt: string;
}

export interface OrderVerdict {
  order: MessageOrder;
  /** Plain words for the reader; absent when `order` is `ok`. */
  warning?: string;
}

interface DeviceState {
  n: number;
  link: string;
  sentAt: number;
  expiresAt: number;
}

const plural = (k: number, one: string, many: string) => (k === 1 ? `1 ${one}` : `${k} ${many}`);

/**
 * Checks messages in sequence order, as a reader is shown them: per sender device, the counter goes up
 * by one and each message carries the chain link of that device's previous one; the sender's clock and
 * the server's agree within CLOCK_TOLERANCE_MS and never go back by more than that. The first message of
 * a device seen here starts its chain (earlier ones may predate the reader's join or this page). A gap
 * is excused only when the device's previous message shown has expired by now: a later message never
 * expires before an earlier one, so while that one is live the missing ones were removed, not expired.
 * A message that names the latest message it had seen from another device (`seen`, by sequence number and
 * chain link) must come after it, and the message shown there must be that one. One absent from there is
 * missing, unless it comes before the first message shown (outside the view, or expired: messages expire
 * in the order they were written).
 * Feed it only messages whose signature verified (and tombstones, whose kept header fields are linked by
 * the next message), in sequence order.
 */
export class OrderCheck {
  private readonly devices = new Map<string, DeviceState>();
  /** The chain link of every message shown here by sequence number (null: shown, but not checked). */
  private readonly links = new Map<number, string | null>();
  private firstSeq = Infinity;
  private latestSentAt = -Infinity;

  constructor(private readonly now: () => Date) {}

  async check(m: OrderedMessage): Promise<OrderVerdict> {
    const { header } = m;
    const sentAt = Date.parse(header.sentAt);
    const createdAt = Date.parse(m.createdAt);
    const problems: { order: Exclude<MessageOrder, 'ok'>; warning: string }[] = [];
    const st = this.devices.get(header.senderDeviceId);

    if (st) {
      if (header.n <= st.n) {
        problems.push({
          order: 'reordered',
          warning: `This message is out of order: its sender's device numbered it ${header.n}, after number ${st.n} shown above it.`,
        });
      } else if (header.n === st.n + 1) {
        if (header.prev !== st.link)
          problems.push({
            order: 'reordered',
            warning: "This message does not follow its sender's previous message: a message was replaced or moved.",
          });
      } else if (st.expiresAt > this.now().getTime()) {
        const k = header.n - st.n - 1;
        problems.push({
          order: 'missing',
          warning: `${plural(k, 'earlier message', 'earlier messages')} from this sender's device ${k === 1 ? 'is' : 'are'} missing before this one: removed, not expired.`,
        });
      }
      if (sentAt < st.sentAt - CLOCK_TOLERANCE_MS)
        problems.push({
          order: 'backdated',
          warning: "This message is dated earlier than its sender's previous message.",
        });
    }
    if (Math.abs(sentAt - createdAt) > CLOCK_TOLERANCE_MS)
      problems.push({
        order: 'backdated',
        warning: `The time of this message was changed, or its sender's clock is wrong: written at ${header.sentAt} by the sender's clock, recorded at ${m.createdAt}.`,
      });
    if (sentAt < this.latestSentAt - CLOCK_TOLERANCE_MS)
      problems.push({
        order: 'reordered',
        warning: 'This message was written well before a message shown above it: the order was changed.',
      });
    const seenProblem = this.seenProblem(m.seq, header);
    if (seenProblem) problems.push(seenProblem);

    const link = await messageChainLink(header);
    this.firstSeq = Math.min(this.firstSeq, m.seq);
    this.links.set(m.seq, link);
    if (!st || header.n > st.n) {
      this.devices.set(header.senderDeviceId, {
        n: header.n,
        link,
        sentAt,
        expiresAt: Date.parse(m.expiresAt),
      });
    }
    this.latestSentAt = Math.max(this.latestSentAt, sentAt);
    if (!problems.length) return { order: 'ok' };
    return { order: problems[0].order, warning: problems.map((p) => p.warning).join(' ') };
  }

  /**
   * A message shown without being checked (it failed verification): it still holds its place, so a later
   * message that names it as seen is not flagged for its absence.
   */
  shown(seq: number): void {
    this.firstSeq = Math.min(this.firstSeq, seq);
    if (!this.links.has(seq)) this.links.set(seq, null);
  }

  /** What is wrong with the message this one says its sender had seen last from another device, if anything. */
  private seenProblem(
    seq: number,
    header: MessageHeader,
  ): { order: Exclude<MessageOrder, 'ok'>; warning: string } | null {
    const seen = header.seen;
    if (!seen) return null;
    if (seen.seq >= seq) {
      return { order: 'reordered', warning: 'This message was moved: it answers a message shown after it.' };
    }
    const shown = this.links.get(seen.seq);
    if (shown !== undefined) {
      return shown === null || shown === seen.link
        ? null
        : {
            order: 'reordered',
            warning: 'The message its sender was answering is not the one shown: a message was replaced.',
          };
    }
    // Before the first message shown: outside this view (before the reader's join or this page), or expired.
    if (seen.seq < this.firstSeq) return null;
    return {
      order: 'missing',
      warning: 'Its sender had seen a message that is not shown before this one: it was removed or moved.',
    };
  }
}
