import type { ComponentChildren } from 'preact';
import type { Role } from '../../../sdk/browser.js';
import { Link } from '../router.js';
import { app } from '../state/app.js';
import { PageTitle } from '../ui/form.js';

/**
 * Who may use each part of the administration pages: the roles the server's `@Roles` allow for the
 * calls each part makes (src/agencies, src/identity, src/audit). The pages are offered only to them;
 * the server refuses everyone else anyway.
 */
export const ADMIN_PARTS = {
  agencies: ['isa_admin', 'agency_admin', 'auditor'],
  users: ['isa_admin', 'agency_admin'],
  // The audit log's events (src/audit/audit.controller.ts); checking the whole chain and signed points
  // (auditCheck) are the ISA team's and auditors' only: an agency administrator reads their agency's part.
  audit: ['isa_admin', 'auditor', 'agency_admin'],
  auditCheck: ['isa_admin', 'auditor'],
  signInDelays: ['isa_admin'],
  // Legal holds and disposal records (src/retention/holds.controller.ts): placing and releasing a hold is
  // the ISA team's; the screen checks the role for those.
  holds: ['isa_admin', 'auditor', 'agency_admin'],
  disposals: ['isa_admin', 'auditor', 'agency_admin'],
  grants: ['isa_admin', 'auditor'],
  subjectAccess: ['agency_admin', 'isa_admin'],
  reviewReport: ['isa_admin', 'auditor'],
  programmeReport: ['isa_admin', 'agency_admin'],
  retention: ['isa_admin', 'agency_admin', 'auditor'],
  // The list of localities (src/localities): everyone may read it; adding to it is the ISA team's.
  localities: ['isa_admin', 'agency_admin'],
} as const satisfies Record<string, readonly Role[]>;

export const mayUse = (part: keyof typeof ADMIN_PARTS) =>
  (ADMIN_PARTS[part] as readonly Role[]).includes(app.user.role);

/** A part of the administration pages, or a plain refusal for a role the server would refuse. */
export function AdminPage(props: { part: keyof typeof ADMIN_PARTS; title: string; children: ComponentChildren }) {
  if (!mayUse(props.part)) {
    return (
      <main id="main" class="narrow">
        <PageTitle>{props.title}</PageTitle>
        <p>Your role does not include this page.</p>
        <p>
          <Link href="/admin">Back to administration</Link>
        </p>
      </main>
    );
  }
  return (
    <main id="main">
      <p class="breadcrumb">
        <Link href="/admin">Administration</Link>
      </p>
      {props.children}
    </main>
  );
}

/** The administration pages this person's role may use. */
export function Admin() {
  const parts: { part: keyof typeof ADMIN_PARTS; href: string; title: string; text: string }[] = [
    {
      part: 'agencies',
      href: '/admin/agencies',
      title: 'Agencies and the agreement',
      text:
        app.user.role === 'isa_admin'
          ? 'The signatory register: who has signed which version of the agreement, notice of withdrawal, suspensions.'
          : 'The signatory register: which agencies have signed the agreement, and their status.',
    },
    {
      part: 'users',
      href: '/admin/users',
      title: 'People and invitations',
      text:
        app.user.role === 'isa_admin'
          ? 'Invite people to an agency, and disable the accounts of people who leave.'
          : 'Invite people from your agency, and disable the accounts of people who leave.',
    },
    {
      part: 'audit',
      href: '/admin/audit',
      title: 'The audit log',
      text: mayUse('auditCheck')
        ? 'Who did what, and when: filter and export the events; check that none was changed, removed or reordered.'
        : 'Who in your agency did what, and when, and what was done to it or its people: filter and export the events.',
    },
    {
      part: 'holds',
      href: '/admin/holds',
      title: 'Legal holds',
      text:
        app.user.role === 'isa_admin'
          ? 'Keep records past their retention period while a request, complaint or proceedings need them.'
          : 'Which records are kept past their retention period, and why.',
    },
    {
      part: 'disposals',
      href: '/admin/disposals',
      title: 'Disposal records',
      text: 'What was removed at the end of its retention period: how many, of what kind, and when. Export them.',
    },
    {
      part: 'grants',
      href: '/admin/audit-grants',
      title: 'Audit access',
      text:
        app.user.role === 'isa_admin'
          ? 'Approve, refuse or end auditors’ time-limited, read-only access to a case.'
          : 'Ask for time-limited, read-only access to a case, and see your access.',
    },
    {
      part: 'subjectAccess',
      href: '/admin/subject-access',
      title: 'Requests for information from the public',
      text: 'Subject access requests: the register, deadlines and extensions, and consultations asked of your agency.',
    },
    {
      part: 'reviewReport',
      href: '/admin/reports/review',
      title: 'ISA review report',
      text: 'For the agreement’s review: signatures, withdrawals, retention, overdue work and the audit log’s check.',
    },
    {
      part: 'programmeReport',
      href: '/admin/reports/programme',
      title: 'Programme report',
      text: 'Counts by quarter and locality for evaluating the programme, with every count under 5 hidden.',
    },
    {
      part: 'localities',
      href: '/admin/localities',
      title: 'Localities',
      text:
        app.user.role === 'isa_admin'
          ? 'The areas of the partnership a family is placed in: add one to the list.'
          : 'The areas of the partnership a family is placed in.',
    },
    {
      part: 'signInDelays',
      href: '/admin/sign-in-delays',
      title: 'Sign-in delays',
      text: 'Accounts and networks held back after failed sign-ins; let someone back in at once.',
    },
    {
      part: 'retention',
      href: '/admin/retention',
      title: 'Retention schedule',
      text:
        app.user.role === 'auditor'
          ? 'How long each agency keeps each kind of record, and from when.'
          : 'How long each kind of record is kept, and from when; set your agency’s own periods.',
    },
  ];
  return (
    <main id="main" class="narrow">
      <PageTitle>Administration</PageTitle>
      <ul class="link-list">
        {parts
          .filter((p) => mayUse(p.part))
          .map((p) => (
            <li key={p.href}>
              <Link href={p.href}>{p.title}</Link>
              <p class="hint">{p.text}</p>
            </li>
          ))}
        <li>
          <Link href="/sessions">Where you are signed in</Link>
          <p class="hint">Your own sign-in sessions: end one, or sign out everywhere.</p>
        </li>
      </ul>
    </main>
  );
}
