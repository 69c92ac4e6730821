import type { MemberRole } from '../../contracts/channels.js';
import { AppError, conflict, forbidden, notFound } from '../common/app-error.js';
import type { Channel } from '../channels/entities/channel.entity.js';
import type { Message } from './entities/message.entity.js';

/**
 * What the signature check (done outside the transaction, before the batch) found. Its verdict is
 * only revealed by `decideSend`, after the membership checks.
 */
export type SignatureCheck = 'ok' | 'bad' | 'not_your_device';

/**
 * The channels module's rules, which `decideSend` applies in its own order. ChannelsService
 * satisfies this interface; `rotationDue` reads the channel as this batch has advanced it so far.
 */
export interface SendRules {
  membershipRefusal(member: { endsAt: Date | null } | null, channelExists: boolean, now: Date): AppError | null;
  rotationDue(channel: Channel, now: Date): string | null;
}

/** Everything the group-commit batch gathered about one send, in one place. */
export interface SendFacts {
  now: Date;
  /** The send itself: who, where, under which epoch, with which signature. */
  send: { userId: string; channelId: string; epoch: number; signature: Buffer };
  /** Why the sender may not send at all (session, agency party to the ISA, attestation), or null. */
  senderRefusal: AppError | null;
  /** The sender's channel_members row, or null when they have none. */
  member: { role: MemberRole; endsAt: Date | null } | null;
  /** The channel as this batch locked it (and advanced it for earlier sends), or null when there is none. */
  channel: Channel | null;
  /** Why the sender's agency may not share into this family channel now (consent, ISA), or null. */
  sharingRefusal: AppError | null;
  /** A message already stored, or accepted earlier in this batch, from the same device and clientMessageId. */
  earlier: Message | null;
  /** The sending device belongs to the sender and is not revoked (as read inside the transaction). */
  deviceActive: boolean;
  /** The sending device is a recipient of the epoch the message claims. */
  inEpoch: boolean;
  signature: SignatureCheck;
}

export type SendDecision =
  | { kind: 'refuse'; error: AppError }
  /** A retry of a message already stored: answer with the stored one, store nothing. */
  | { kind: 'duplicate'; message: Message }
  /** Store it under the channel's next sequence number. */
  | { kind: 'store' };

const refuse = (error: AppError): SendDecision => ({ kind: 'refuse', error });

/**
 * Whether one send may be stored. The ORDER is the contract: the sender's access first, then
 * membership (a non-member learns nothing else: not whether a message with that clientMessageId
 * exists, not whether its signature verifies), then the retry lookup, then the device and the
 * signature verdict, then the epoch. Pure: the batch gathers the facts, this decides.
 */
export function decideSend(f: SendFacts, rules: SendRules): SendDecision {
  if (f.senderRefusal) return refuse(f.senderRefusal);
  const notMember = rules.membershipRefusal(f.member, f.channel !== null, f.now);
  if (notMember) return refuse(notMember);
  if (f.member?.role === 'observer') return refuse(forbidden('observer_read_only', 'Observers can read but not send.'));
  if (f.sharingRefusal) return refuse(f.sharingRefusal);
  if (f.earlier) {
    const same =
      f.earlier.senderUserId === f.send.userId &&
      f.earlier.channelId === f.send.channelId &&
      f.earlier.signature?.equals(f.send.signature) === true;
    if (!same) {
      // The sender's own message in this channel: say where it is, so a client sending it again, sealed
      // anew (another process, after an acknowledgement it never had), can see whether it is the same.
      // Nobody else is told anything of it.
      const own = f.earlier.senderUserId === f.send.userId && f.earlier.channelId === f.send.channelId;
      return refuse(
        conflict(
          'client_message_id_reused',
          'This client message id was already used for a different message.',
          own ? { seq: Number(f.earlier.seq) } : undefined,
        ),
      );
    }
    return { kind: 'duplicate', message: f.earlier };
  }
  if (!f.deviceActive || f.signature === 'not_your_device') {
    return refuse(forbidden('not_your_device', 'Send from one of your own active devices.'));
  }
  if (f.signature === 'bad') {
    return refuse(
      new AppError(400, 'invalid_signature', 'The message signature does not verify for this channel and device.'),
    );
  }
  if (!f.channel) return refuse(notFound('Channel'));
  const due = rules.rotationDue(f.channel, f.now);
  if (f.send.epoch !== f.channel.currentEpoch || due) {
    return refuse(
      conflict('epoch_stale', 'The conversation has a new key since this was encrypted: encrypt it again and resend.', {
        currentEpoch: f.channel.currentEpoch,
        rotationRequired: due !== null,
        reason: due ?? 'epoch_changed',
      }),
    );
  }
  if (!f.inEpoch) {
    return refuse(
      conflict('epoch_stale', 'This device does not hold the conversation’s current key: make a new key, then send.', {
        currentEpoch: f.channel.currentEpoch,
        rotationRequired: true,
        reason: 'device_not_in_epoch',
      }),
    );
  }
  return { kind: 'store' };
}

/** The size rule, checked before a send is queued at all (413, before any other check). */
export function sizeRefusal(ciphertextBytes: number, maxBytes: number): AppError | null {
  if (ciphertextBytes <= maxBytes) return null;
  return new AppError(413, 'message_too_large', `A message may be at most ${maxBytes} bytes encrypted.`, { maxBytes });
}
