/** Shapes of the server's responses (meetings), as the SDK exposes them. Dates arrive as ISO strings. */
import type { SealedField } from './families.js';

// ── meetings ──
export type MeetingKind = 'locality' | 'family' | 'professionals';
export type MeetingStatus = 'scheduled' | 'in_progress' | 'closed';
export type Attendance = 'present' | 'apologies' | 'absent';

export interface MeetingSummary {
  id: string;
  channelId: string;
  kind: MeetingKind;
  scheduledAt: string;
  status: MeetingStatus;
  chairId: string;
  minuteTakerId: string | null;
}

export interface MinutesVersionView extends SealedField {
  version: number;
  authorId: string;
  savedAt: string;
}

export interface MeetingView extends MeetingSummary {
  place: SealedField | null;
  agenda: SealedField | null;
  startedAt: string | null;
  closedAt: string | null;
  invitees: {
    userId: string;
    displayName: string;
    agencyId: string;
    agencyName: string;
    attendance: Attendance | null;
  }[];
  familyAttendance: { memberId: string; memberRef: string; present: boolean }[];
  minutes: MinutesVersionView | null;
  final: { version: number; signature: string; deviceId: string } | null;
  amendments: (SealedField & {
    number: number;
    authorId: string;
    deviceId: string;
    signature: string;
    createdAt: string;
  })[];
  entries: {
    id: string;
    agendaItem: string;
    kind: 'information' | 'decision' | 'action';
    content: SealedField;
    authorId: string;
    createdAt: string;
  }[];
}

export interface ScheduleMeetingInput {
  channelId: string;
  kind: MeetingKind;
  scheduledAt: string;
  place?: SealedField;
  agenda?: SealedField;
  minuteTakerId?: string;
  invitees?: string[];
}
