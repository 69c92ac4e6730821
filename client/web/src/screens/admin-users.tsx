import { useEffect, useRef, useState } from 'preact/hooks';
import type { AgencyView, CreatedUser, Role, UserView } from '../../../sdk/browser.js';
import { app } from '../state/app.js';
import { Select } from '../ui/choice.js';
import { ConfirmButton } from '../ui/confirm.js';
import { Button, ErrorSummary, Field, formatDate, formatDateTime, PageTitle, TextArea, useAction } from '../ui/form.js';
import { Status, useLoad } from '../ui/status.js';
import { ROLE_LABELS, USER_STATUS_LABELS } from '../ui/words.js';
import { Td } from '../ui/table.js';
import { Link } from '../router.js';
import { AdminPage } from './admin.js';
import { HandOverPanel } from './admin-hand-over.js';

/**
 * The roles an agency administrator may give and take away (the server's AGENCY_ADMIN_MANAGED_ROLES):
 * the ISA team's own roles (ISA administrator, auditor) are the ISA team's to give.
 */
const AGENCY_ADMIN_ROLES: Role[] = ['practitioner', 'mash_worker', 'agency_admin'];

/** Roles this person may give or take away. */
const manageable = (): Role[] =>
  app.user.role === 'isa_admin' ? (Object.keys(ROLE_LABELS) as Role[]) : AGENCY_ADMIN_ROLES;

/**
 * People of an agency: invite someone (the invitation code is shown once, to pass on), and disable the
 * account of someone who leaves (every session of theirs ends at once). An agency administrator sees
 * their own agency; the ISA team chooses one.
 */
export function AdminUsers() {
  const isa = app.user.role === 'isa_admin';
  const ownAgency = app.me.value?.agency.id ?? '';
  const [agencyId, setAgencyId] = useState(ownAgency);
  const agencies = useLoad(() => app.secure.client.agencies());
  const users = useLoad(() => app.secure.client.users(isa ? agencyId : undefined), [agencyId]);
  const [created, setCreated] = useState<CreatedUser | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  // The person just disabled: what they leave is shown at once, to hand over (or later, from their row).
  const [leaver, setLeaver] = useState<string | null>(null);
  const agencyName = agencies.data?.find((a) => a.id === agencyId)?.name ?? app.me.value?.agency.name ?? '';
  return (
    <AdminPage part="users" title="People and invitations">
      <PageTitle>People and invitations</PageTitle>
      {isa && agencies.data && (
        <Select
          label="Agency"
          value={agencyId}
          options={agencies.data.map((a) => ({ value: a.id, label: a.name }))}
          onChange={(id) => {
            setAgencyId(id);
            setCreated(null);
            setStatus(null);
          }}
        />
      )}
      <Status>{status}</Status>
      {leaver && <HandOverPanel userId={leaver} />}
      {created && <Invitation created={created} agencyName={agencyName} onClose={() => setCreated(null)} />}
      <h2>People of {agencyName}</h2>
      <ErrorSummary error={users.error} />
      {users.data === null ? (
        !users.error && <p role="status">Loading…</p>
      ) : users.data.length === 0 ? (
        <p>Nobody yet.</p>
      ) : (
        <table class="table">
          <caption class="visually-hidden">People of {agencyName}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.data.map((u) => (
              <UserRow
                key={u.id}
                u={u}
                onDisabled={(said) => {
                  setStatus(said);
                  setLeaver(u.id);
                  void users.reload();
                }}
              />
            ))}
          </tbody>
        </table>
      )}
      <InviteUser
        agencyId={isa ? agencyId : undefined}
        agencyName={agencyName}
        agencies={agencies.data}
        onCreated={(c) => {
          setCreated(c);
          setStatus(null);
          void users.reload();
        }}
      />
    </AdminPage>
  );
}

function UserRow({ u, onDisabled }: { u: UserView; onDisabled: (said: string) => void }) {
  const [reason, setReason] = useState('');
  const mayDisable = u.status !== 'disabled' && u.id !== app.user.id && manageable().includes(u.role);
  return (
    <tr>
      <th scope="row">
        {u.displayName}
        {u.id === app.user.id && ' (you)'}
        <span class="covers">{u.email}</span>
      </th>
      <Td label="Role">{ROLE_LABELS[u.role]}</Td>
      <Td label="Status">
        {u.status === 'disabled' && u.disabledAt
          ? `Disabled on ${formatDate(u.disabledAt)}`
          : USER_STATUS_LABELS[u.status]}
        {u.status === 'active' && (
          <span class="covers">{u.mfaEnabled ? 'Signs in with an authenticator app' : 'No authenticator app'}</span>
        )}
      </Td>
      <td>
        {u.status === 'disabled' && (
          <Link href={`/admin/users/${u.id}/hand-over`}>
            Hand over<span class="visually-hidden"> {u.displayName}’s work</span>
          </Link>
        )}
        {mayDisable && (
          <ConfirmButton
            label={
              <>
                Disable<span class="visually-hidden"> {u.displayName}’s account</span>
              </>
            }
            question={`Disable ${u.displayName}’s account? They are signed out everywhere at once, leave every conversation and cannot sign in again.`}
            confirmLabel="Yes, disable the account"
            onConfirm={async () => {
              const r = await app.secure.client.disableUser(u.id, reason.trim() || undefined);
              onDisabled(
                `${u.displayName}’s account is disabled; ${r.sessionsRevoked === 1 ? '1 session was' : `${r.sessionsRevoked} sessions were`} ended.`,
              );
            }}
          >
            <TextArea
              label="Reason (optional)"
              hint="For example: left the agency. Kept with the account."
              rows={2}
              value={reason}
              onInput={setReason}
            />
          </ConfirmButton>
        )}
      </td>
    </tr>
  );
}

function InviteUser(props: {
  agencyId: string | undefined;
  agencyName: string;
  agencies: AgencyView[] | null;
  onCreated: (c: CreatedUser) => void;
}) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role | ''>('');
  const invite = useAction(async () => {
    if (!role) throw new Error('Choose the person’s role.');
    const created = await app.secure.client.createUser({
      displayName: name.trim(),
      email: email.trim(),
      role,
      ...(props.agencyId ? { agencyId: props.agencyId } : {}),
    });
    setName('');
    setEmail('');
    setRole('');
    props.onCreated(created);
  });
  return (
    <details class="panel">
      <summary>Invite someone to {props.agencyName}</summary>
      <form
        aria-label={`Invite someone to ${props.agencyName}`}
        onSubmit={(e) => {
          e.preventDefault();
          void invite.run();
        }}
      >
        <ErrorSummary error={invite.error} />
        <Field label="Full name" autoComplete="off" required value={name} onInput={setName} />
        <Field
          label="Work e-mail address"
          type="email"
          autoComplete="off"
          spellcheck={false}
          required
          value={email}
          onInput={setEmail}
        />
        <Select
          label="Role"
          value={role}
          placeholder="Choose a role"
          options={manageable().map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
          onChange={setRole}
          required
        />
        <Button type="submit" busy={invite.busy}>
          Create invitation
        </Button>
      </form>
    </details>
  );
}

/**
 * The one-time invitation code, shown once: how to pass it on safely, and what the invited person does
 * with it. The server keeps only a hash of it, so it cannot be shown again (disable the account and
 * invite again if it is lost).
 */
function Invitation({
  created,
  agencyName,
  onClose,
}: {
  created: CreatedUser;
  agencyName: string;
  onClose: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [copied, setCopied] = useState<string | null>(null);
  useEffect(() => heading.current?.focus(), [created]);
  const u = created.user;
  return (
    <section class="invitation" aria-labelledby="invitation-heading">
      <h2 id="invitation-heading" tabIndex={-1} ref={heading}>
        Invitation for {u.displayName}
      </h2>
      <p>
        {u.displayName} ({ROLE_LABELS[u.role].toLowerCase()}, {agencyName}) can now be let in. This is their one-time
        invitation code. It is shown only now and works until {formatDateTime(created.invitation.expiresAt)}.
      </p>
      <p role="status">
        {created.invitation.emailed
          ? `The invitation was e-mailed to ${u.email}, with a link to set their password. If it does not arrive, pass on the code below.`
          : `The invitation was not e-mailed: ${created.invitation.emailNote ?? 'this server does not send e-mail.'} Pass on the code below.`}
      </p>
      <p class="invitation-code">
        <code>{created.invitation.token}</code>
      </p>
      <p>
        <Button
          variant="secondary"
          onClick={() =>
            void navigator.clipboard
              .writeText(created.invitation.token)
              .then(() => setCopied('Copied. Paste it only into a message that goes to them alone.'))
              .catch(() => setCopied('This browser would not copy it: select the code and copy it yourself.'))
          }
        >
          Copy the code
        </Button>
      </p>
      <Status>{copied}</Status>
      <h3>How to pass it on</h3>
      <ul>
        <li>
          Give it to {u.displayName} yourself: in person, by phone, or in a message only they can read. Do not send it
          to {u.email} on its own: anyone reading that mailbox could use it.
        </li>
        <li>
          With it, they set their own password at <code>{location.origin}/invitation</code> (or in a terminal,{' '}
          <code>strongroom invitation accept</code>), then sign in with {u.email}.
        </li>
        <li>If their role needs an authenticator app, they set it up the first time they sign in.</li>
        <li>If the code is lost or runs out, disable the account and invite them again.</li>
      </ul>
      <Button variant="secondary" onClick={onClose}>
        Done: I have passed it on
      </Button>
    </section>
  );
}
