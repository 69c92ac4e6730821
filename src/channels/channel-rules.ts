import type { AgencyStatus } from '../../contracts/agencies.js';
import type { ChannelKind, MemberRole } from '../../contracts/channels.js';
import { agencyCanShare } from '../agencies/agencies.service.js';
import { badRequest, conflict, forbidden, notFound, type AppError } from '../common/app-error.js';

/**
 * The channel rules that need no database: each decides on rows already read, so the services, the
 * group-committed send path (many channels at once) and the unit spec all apply the same rule.
 */

/**
 * The membership rule on rows already read (group-committed sends check many at once): null when
 * `member` may use the channel, else the refusal. An observer whose end date has passed (`endsAt` at
 * or before now) is refused; removal and key rotation follow with the audit-grant job.
 */
export function membershipRefusal(
  member: { endsAt: Date | null } | null,
  channelExists: boolean,
  now: Date,
): AppError | null {
  if (member?.endsAt && member.endsAt <= now) {
    return forbidden('membership_ended', 'Your time-limited access to this channel has ended.');
  }
  if (member) return null;
  return channelExists ? forbidden('not_a_member', 'You are not a member of this channel.') : notFound('Channel');
}

/**
 * A read position names a message the channel has numbered: a `seq` after its last one is refused, not
 * clamped. No client can have seen such a message, so one that sends it is miscounting, and hearing so
 * is better than a position quietly different from the one it asked for.
 */
export function readPositionRefusal(seq: number, lastSeq: number): AppError | null {
  if (seq <= lastSeq) return null;
  return badRequest(
    'validation_failed',
    `There is no message ${seq} in this channel yet: the latest is number ${lastSeq}.`,
    { fields: { seq: [`must not be after the channel’s latest message (${lastSeq})`] }, lastSeq },
  );
}

/** What decides whether a channel's current epoch is still usable. */
export interface RotationState {
  rotationRequired: boolean;
  rotationReason: string | null;
  currentEpoch: number;
  epochMessageCount: number;
  epochOpenedAt: Date | null;
}

/** How long one epoch key may be used: `EPOCH_MAX_MESSAGES` and `EPOCH_MAX_AGE_HOURS`. */
export interface EpochLimits {
  maxMessages: number;
  maxAgeHours: number;
}

/**
 * Why the current epoch may no longer be used (membership change or the clock), or null. The limits
 * are reached AT the boundary: the `maxMessages`-th message or exactly `maxAgeHours` of age is due.
 */
export function rotationDue(channel: RotationState, now: Date, limits: EpochLimits): string | null {
  if (channel.rotationRequired || channel.currentEpoch === 0) return channel.rotationReason ?? 'rotation_required';
  if (channel.epochMessageCount >= limits.maxMessages) return 'epoch_message_limit';
  if (channel.epochOpenedAt && now.getTime() - channel.epochOpenedAt.getTime() >= limits.maxAgeHours * 3_600_000) {
    return 'epoch_age_limit';
  }
  return null;
}

/**
 * An epoch's recipients must be exactly the current member devices: none missing (a member could not
 * read), none extra (a key would reach a device that is not a member's). Order does not matter.
 */
export function recipientsMatch(memberDeviceIds: readonly string[], recipientDeviceIds: readonly string[]): boolean {
  const expected = [...memberDeviceIds].sort();
  const given = [...recipientDeviceIds].sort();
  return expected.length === given.length && expected.every((id, i) => id === given[i]);
}

/** A member's active device as read, with what decides whether it gets the next epoch key. */
export interface MemberDeviceFacts {
  agencyId: string;
  agencyStatus: AgencyStatus;
  withdrawalEffectiveAt: Date | null;
  endsAt: Date | null;
}

/**
 * A member's device gets the next epoch key when the member's agency can share now, their
 * time-limited access (if any) has not ended, and the channel's sharing policy does not refuse their
 * agency (a family's consent withdrawn).
 */
export function mayHoldEpochKey(
  d: MemberDeviceFacts,
  now: Date,
  refusedAgencies: ReadonlyMap<string, unknown>,
): boolean {
  return (
    agencyCanShare({ status: d.agencyStatus, withdrawalEffectiveAt: d.withdrawalEffectiveAt }, now) &&
    (!d.endsAt || d.endsAt > now) &&
    !refusedAgencies.has(d.agencyId)
  );
}

/**
 * Whether a new channel may be created as asked, checked in this order: nobody listed twice, a direct
 * channel names exactly one other person as member, an information request's starts with its maker
 * alone (the request brings the agency asked in), retention within the bounds (inclusive). `others` are
 * the members besides the creator.
 */
export function newChannelRefusal(
  kind: ChannelKind,
  others: readonly { userId: string; role: MemberRole }[],
  retentionDays: number,
  bounds: { min: number; max: number },
): AppError | null {
  if (new Set(others.map((m) => m.userId)).size !== others.length) {
    return badRequest('validation_failed', 'A person is listed twice.', { fields: { members: ['has duplicates'] } });
  }
  if (kind === 'direct' && (others.length !== 1 || others[0].role !== 'member')) {
    return badRequest('validation_failed', 'A direct channel is between you and exactly one other person.', {
      fields: { members: ['must name exactly one other person, as member'] },
    });
  }
  if (kind === 'information_request' && others.length) {
    return badRequest(
      'validation_failed',
      'An information request’s conversation starts with you alone: the agency you ask joins it when you send the request.',
      { fields: { members: ['must be empty for an information request'] } },
    );
  }
  if (retentionDays < bounds.min || retentionDays > bounds.max) {
    return badRequest('validation_failed', 'That retention period is outside the allowed bounds.', {
      fields: { retentionDays: [`must be between ${bounds.min} and ${bounds.max}`] },
    });
  }
  return null;
}

/**
 * Who is in an information request's conversation is the request's business (the requester, the asked
 * agency's admins, the person they assign): nobody is added to it or removed from it by hand. Leaving is
 * still anyone's own choice. Null when `kind` is not such a channel.
 */
export function requestChannelRefusal(kind: ChannelKind): AppError | null {
  return kind === 'information_request'
    ? conflict(
        'request_channel',
        'People join an information request’s conversation through the request: its agency’s admins assign who answers.',
      )
    : null;
}
