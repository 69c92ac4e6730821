import { useState } from 'preact/hooks';
import type { HandOverAction, HandOverFamily, UserDirectoryEntry } from '../../../sdk/browser.js';
import { app } from '../state/app.js';
import { FindPerson } from '../ui/find-person.js';
import { Button, ErrorSummary, formatDate, PageTitle, useAction } from '../ui/form.js';
import { Status, useLoad } from '../ui/status.js';
import { AdminPage } from './admin.js';

/** The hand-over page of one person (linked from a notification and from the people page). */
export function AdminHandOver({ params }: { params: Record<string, string> }) {
  return (
    <AdminPage part="users" title="Hand over a leaver’s work">
      <PageTitle>Hand over a leaver’s work</PageTitle>
      <HandOverPanel userId={params.id} />
    </AdminPage>
  );
}

/**
 * A leaver's open actions and the families they lead, each handed to a named colleague here: an action to
 * someone in its conversation, a family to a practitioner as its new lead worker. The new holder is notified;
 * what is not handed over stays listed (nothing is dropped).
 */
export function HandOverPanel({ userId }: { userId: string }) {
  const view = useLoad(() => app.secure.client.leaverHandOver(userId), [userId]);
  const [status, setStatus] = useState<string | null>(null);
  const done = async (said: string) => {
    setStatus(said);
    await view.reload();
  };
  const v = view.data;
  return (
    <section class="panel hand-over" aria-labelledby={`hand-over-${userId}`}>
      <h2 id={`hand-over-${userId}`}>
        {v ? `What ${v.user.displayName} leaves to hand over` : 'What they leave to hand over'}
      </h2>
      <ErrorSummary error={view.error} />
      <Status>{status}</Status>
      {v === null ? (
        !view.error && <p role="status">Loading…</p>
      ) : (
        <>
          {!v.leaving && (
            <p>
              {v.user.displayName} is still active: their work is handed over once their account is disabled (or their
              agency’s withdrawal takes effect).
            </p>
          )}
          {v.actions.length === 0 && v.families.length === 0 && <p>Nothing is left to hand over.</p>}
          {v.actions.length > 0 && (
            <>
              <p>Open actions ({v.actions.length}). Each goes to a colleague who is in the action’s conversation.</p>
              <ul class="hand-over-list">
                {v.actions.map((a) => (
                  <ActionHandOver key={a.id} userId={userId} a={a} onDone={done} disabled={!v.leaving} />
                ))}
              </ul>
            </>
          )}
          {v.families.length > 0 && (
            <>
              <p>Families they lead ({v.families.length}), marked as waiting for a new lead worker.</p>
              <ul class="hand-over-list">
                {v.families.map((f) => (
                  <FamilyHandOver key={f.id} userId={userId} f={f} onDone={done} disabled={!v.leaving} />
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}

function ActionHandOver(props: {
  userId: string;
  a: HandOverAction;
  disabled: boolean;
  onDone: (said: string) => Promise<void>;
}) {
  const [to, setTo] = useState<UserDirectoryEntry | null>(null);
  const due = formatDate(props.a.dueOn);
  const hand = useAction(async () => {
    if (!to) throw new Error('Choose who takes the action on.');
    await app.secure.client.handOverLeaversAction(props.userId, props.a.id, to.id);
    await props.onDone(`The action due ${due} is now ${to.displayName}’s; they have been told.`);
  });
  return (
    <li>
      <p>
        <strong>Action due {due}</strong> ({props.a.status === 'in_progress' ? 'in progress' : 'open'})
      </p>
      <ErrorSummary error={hand.error} />
      <FindPerson label={`Who takes on the action due ${due}?`} chosen={to} onChoose={setTo} />
      <Button busy={hand.busy} disabled={props.disabled} onClick={() => void hand.run()}>
        Hand over<span class="visually-hidden"> the action due {due}</span>
      </Button>
    </li>
  );
}

function FamilyHandOver(props: {
  userId: string;
  f: HandOverFamily;
  disabled: boolean;
  onDone: (said: string) => Promise<void>;
}) {
  const [to, setTo] = useState<UserDirectoryEntry | null>(null);
  const hand = useAction(async () => {
    if (!to) throw new Error('Choose the new lead worker.');
    await app.secure.client.handOverLeaversFamily(props.userId, props.f.id, to.id);
    await props.onDone(`${to.displayName} now leads family ${props.f.ref}; they have been told.`);
  });
  return (
    <li>
      <p>
        <strong>Family {props.f.ref}</strong>
      </p>
      <ErrorSummary error={hand.error} />
      <FindPerson
        label={`New lead worker for family ${props.f.ref}`}
        chosen={to}
        onChoose={setTo}
        allow={(p) => p.role === 'practitioner'}
        allowHint="A lead worker is a practitioner."
      />
      <Button busy={hand.busy} disabled={props.disabled} onClick={() => void hand.run()}>
        Set as lead worker<span class="visually-hidden"> of family {props.f.ref}</span>
      </Button>
    </li>
  );
}
