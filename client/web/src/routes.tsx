import type { ComponentType } from 'preact';
import { Link } from './router.js';
import { Channel } from './screens/channel.js';
import { Channels, NewMessage } from './screens/channels.js';
import { Devices } from './screens/devices.js';
import { MyActions } from './screens/actions.js';
import { Meeting } from './screens/meeting.js';
import { Meetings, ScheduleMeeting } from './screens/meetings.js';
import { Admin } from './screens/admin.js';
import { AdminAgencies, AdminAgency } from './screens/admin-agencies.js';
import { AdminAudit } from './screens/admin-audit.js';
import { AdminDisposals } from './screens/admin-disposals.js';
import { AdminHolds } from './screens/admin-holds.js';
import { AdminLocalities } from './screens/admin-localities.js';
import { AdminAuditGrants } from './screens/admin-audit-grants.js';
import { AdminRetention } from './screens/admin-retention.js';
import { AdminSignInDelays } from './screens/admin-sign-in-delays.js';
import { AdminSubjectAccess } from './screens/admin-subject-access.js';
import { AdminProgrammeReport, AdminReviewReport } from './screens/admin-reports.js';
import { AdminHandOver } from './screens/admin-hand-over.js';
import { AdminUsers } from './screens/admin-users.js';
import { Families, Family } from './screens/families.js';
import { Referral } from './screens/referral.js';
import { MakeReferral } from './screens/referral-new.js';
import { HubQueue } from './screens/referral-queue.js';
import { MyReferrals } from './screens/referrals.js';
import { InformationRequest } from './screens/request.js';
import { Requests } from './screens/requests.js';
import { Search } from './screens/search.js';
import { Notifications } from './screens/notifications.js';
import { Sessions } from './screens/sessions.js';
import { PageTitle } from './ui/form.js';

type Screen = ComponentType<{ params: Record<string, string> }>;

/** Every address of the page and its screen; the first match wins. */
export const ROUTES: [string, Screen][] = [
  ['/', Channels],
  ['/new-message', NewMessage],
  ['/channels/:id', Channel],
  // Search within what this browser has opened (issue 13): never a server query.
  ['/search', Search],
  ['/meetings', Meetings],
  ['/meetings/new', ScheduleMeeting],
  ['/meetings/:id', Meeting],
  ['/actions', MyActions],
  ['/devices', Devices],
  // Families, sign-in sessions and administration (issue 13).
  ['/families', Families],
  ['/families/:id', Family],
  // The MASH hub's referrals (issue 14): made by any practitioner, screened and decided by the hub.
  ['/referrals', MyReferrals],
  ['/referrals/new', MakeReferral],
  ['/referrals/queue', HubQueue],
  ['/referrals/:ref', Referral],
  // Information requests between agencies (issue 14): asked from a family's or a referral's page.
  ['/requests', Requests],
  ['/requests/:id', InformationRequest],
  // Leavers and withdrawals carried through (issue 16): what was handed to the person, what to hand over.
  ['/notifications', Notifications],
  ['/sessions', Sessions],
  ['/admin', Admin],
  ['/admin/agencies', AdminAgencies],
  ['/admin/agencies/:id', AdminAgency],
  ['/admin/users', AdminUsers],
  ['/admin/users/:id/hand-over', AdminHandOver],
  ['/admin/audit', AdminAudit],
  ['/admin/sign-in-delays', AdminSignInDelays],
  // Legal holds and disposal records (issue 16).
  ['/admin/holds', AdminHolds],
  ['/admin/localities', AdminLocalities],
  ['/admin/disposals', AdminDisposals],
  ['/admin/audit-grants', AdminAuditGrants],
  ['/admin/subject-access', AdminSubjectAccess],
  // Reports (issue 16): the ISA review report and the programme report.
  ['/admin/reports/review', AdminReviewReport],
  ['/admin/reports/programme', AdminProgrammeReport],
  ['/admin/retention', AdminRetention],
];

export function NotFound() {
  return (
    <main id="main" class="narrow">
      <PageTitle>Page not found</PageTitle>
      <p>
        There is nothing at this address. <Link href="/">Go to your messages</Link>.
      </p>
    </main>
  );
}
