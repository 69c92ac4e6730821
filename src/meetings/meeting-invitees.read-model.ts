import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Attendance, MeetingInviteeView } from '../../contracts/meetings.js';

interface InviteeRow {
  user_id: string;
  display_name: string;
  agency_id: string;
  agency_name: string;
  attendance: Attendance | null;
}

/**
 * A meeting's invitees with their names and agencies' names. A read model, not a repository: it joins
 * `meeting_invitations` to identity's `users` and agencies' `agencies` because the list is ordered by
 * display name in the database's collation, which one query gives and a sort in JavaScript would not.
 */
@Injectable()
export class MeetingInviteesReadModel {
  async invitees(m: EntityManager, meetingId: string): Promise<MeetingInviteeView[]> {
    const rows = await m.query<InviteeRow[]>(
      `SELECT i.user_id, u.display_name, i.agency_id, a.name AS agency_name, i.attendance
         FROM meeting_invitations i JOIN users u ON u.id = i.user_id JOIN agencies a ON a.id = i.agency_id
        WHERE i.meeting_id = $1 ORDER BY i.invited_at, u.display_name`,
      [meetingId],
    );
    return rows.map((i) => ({
      userId: i.user_id,
      displayName: i.display_name,
      agencyId: i.agency_id,
      agencyName: i.agency_name,
      attendance: i.attendance,
    }));
  }
}
