import type { MessageContent } from '../crypto/channel-crypto.js';
import type { MessageOrder } from './message-order.js';

/** A message after decryption. `content` is null for a tombstone and when it cannot be read (`error`). */
export interface DecryptedMessage {
  channelId: string;
  id: string;
  seq: number;
  epoch: number;
  senderUserId: string;
  senderDeviceId: string;
  /**
   * The sender device's own id for the message, from its signed header: how replies and edits name it
   * (the sequence number is the server's, and not known before a send is acknowledged).
   */
  clientMessageId: string;
  /** The sender device's counter in the channel (signed); absent on messages stored before it was. */
  n?: number;
  createdAt: string;
  expiresAt: string;
  deleted: boolean;
  content: MessageContent | null;
  /** Why this message could not be read; the goal is that this never happens. */
  error?: string;
  /**
   * Set when the message failed verification: its signature does not check out, its sender device is
   * not one this client trusts or not the named person's, or it does not decrypt as its sender signed
   * it. `senderUserId` is then only what the server claims: show no sender for it.
   */
  unverified?: true;
  /** The sender's own clock when it was written (signed); absent on messages stored before it was. */
  sentAt?: string;
  /**
   * Where it stands in its sender's signed order: anything but `ok` means the server's records were
   * changed (moved, removed or re-dated) and `warning` says how, in plain words. Absent when it could
   * not be checked (unreadable, or stored before signed order).
   */
  order?: MessageOrder;
  warning?: string;
}

/**
 * What this device holds of each channel's messages, in memory. Retention is enforced here too: a message
 * past its expiry by this device's clock is dropped, whether or not the server's `message.expired` event
 * arrived.
 */
export class MessageCache {
  private readonly byChannel = new Map<string, Map<number, DecryptedMessage>>();

  constructor(private readonly now: () => Date) {}

  remember(m: DecryptedMessage): void {
    let c = this.byChannel.get(m.channelId);
    if (!c) this.byChannel.set(m.channelId, (c = new Map<number, DecryptedMessage>()));
    c.set(m.seq, m);
  }

  /** Forgets messages by sequence number (deleted by their sender, or expired on the server). */
  forget(channelId: string, seqs: Iterable<number>): void {
    const c = this.byChannel.get(channelId);
    if (!c) return;
    for (const s of seqs) c.delete(s);
  }

  /** What this device holds of a channel, never including a message past its expiry by this device's clock. */
  cached(channelId: string): DecryptedMessage[] {
    this.purgeExpired();
    return [...(this.byChannel.get(channelId)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
  }

  /** Whether this device holds a message of the channel under that epoch that has not expired by its clock. */
  holdsLive(channelId: string, epoch: number): boolean {
    const now = this.now().getTime();
    for (const m of this.byChannel.get(channelId)?.values() ?? []) {
      if (m.epoch === epoch && Date.parse(m.expiresAt) > now) return true;
    }
    return false;
  }

  /** Drops expired messages; returns how many. */
  purgeExpired(): number {
    const now = this.now().getTime();
    let dropped = 0;
    for (const c of this.byChannel.values()) {
      for (const [seq, m] of c) {
        if (Date.parse(m.expiresAt) <= now) {
          c.delete(seq);
          dropped++;
        }
      }
    }
    return dropped;
  }
}
