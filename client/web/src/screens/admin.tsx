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
  audit: ['isa_admin', 'auditor'],
  signInDelays: ['isa_admin'],
  retention: ['isa_admin', 'agency_admin', 'auditor'],
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
      title: 'Check the audit log',
      text: 'Check that no record of the audit log has been changed, removed or reordered.',
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
