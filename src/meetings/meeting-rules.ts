import type { ChannelKind } from '../../contracts/channels.js';
import type { MeetingKind, MeetingStatus } from '../../contracts/meetings.js';
import { conflict, forbidden } from '../common/app-error.js';

/** The fields of a meeting the rules below read. */
export interface MeetingRoles {
  chair_id: string;
  minute_taker_id: string | null;
  status: MeetingStatus;
}

/** Which channels each kind of meeting is held in (professionals' meetings may use a family's channel). */
export const MEETING_CHANNEL_KINDS: Record<MeetingKind, readonly ChannelKind[]> = {
  locality: ['locality_meeting'],
  family: ['family_meeting'],
  professionals: ['professionals_meeting', 'family_meeting'],
};

export function requireChair(meeting: MeetingRoles, userId: string): void {
  if (meeting.chair_id !== userId) throw forbidden('chair_only', 'Only the meeting’s chair can do this.');
}

export function requireMinuter(meeting: MeetingRoles, userId: string): void {
  if (meeting.chair_id !== userId && meeting.minute_taker_id !== userId) {
    throw forbidden('minute_taker_only', 'Only the chair or the minute-taker can write the minutes.');
  }
}

/** `what` needs the meeting in `status`; closed minutes are locked (amend them instead). */
export function requireStatus(meeting: MeetingRoles, status: MeetingStatus, what: string): void {
  if (meeting.status === status) return;
  if (meeting.status === 'closed') {
    throw conflict('minutes_locked', `The meeting is closed and its minutes are locked: ${what} needs an amendment.`, {
      status: meeting.status,
    });
  }
  throw conflict(
    'invalid_status',
    `The meeting is ${meeting.status.replace('_', ' ')}: ${what} needs it ${status.replace('_', ' ')}.`,
    {
      status: meeting.status,
    },
  );
}
