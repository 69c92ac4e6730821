/** Meetings, attendance, versioned sealed minutes, typed entries and signed amendments. */
export const MEETING_KINDS = ['locality', 'family', 'professionals'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];
export const MEETING_STATUSES = ['scheduled', 'in_progress', 'closed'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];
export const ATTENDANCE = ['present', 'apologies', 'absent'] as const;
export type Attendance = (typeof ATTENDANCE)[number];
export const ENTRY_KINDS = ['information', 'decision', 'action'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];
