/** Shapes of the server's responses (meetings), as the SDK exposes them: one definition, in contracts/. */
export type { ExportRecordedView } from '../../../contracts/common.js';
export type {
  Attendance,
  AttendanceInput,
  AmendInput,
  CloseMeetingInput,
  EntryInput,
  EntryKind,
  FamilyAttendanceView,
  FinalMinutesView,
  MeetingEntryCreated,
  MeetingEntryView,
  MeetingInviteeView,
  MeetingKind,
  MeetingStatus,
  MeetingSummary,
  MeetingView,
  MinutesAmendmentView,
  MinutesSaved,
  MinutesVersionView,
  SaveMinutesInput,
  ScheduleMeetingInput,
} from '../../../contracts/meetings.js';
