import { useState } from 'preact/hooks';
import { ATTENDANCE, type Attendance } from '../../../../contracts/meetings.js';
import { app } from '../state/app.js';
import { ACTION_STATUS_LABELS, agendaTitle, ATTENDANCE_LABELS, dueText, localDay } from '../state/meeting-words.js';
import type { MeetingPage, ShownAction } from '../state/meetings.js';
import { Checkboxes, Radios, Select } from '../ui/choice.js';
import { Status } from '../ui/status.js';
import { Button, ErrorSummary, Field, formatDate, TextArea, useAction } from '../ui/form.js';
import { minuteItems } from './meeting-minutes.js';

/** The chair or the minute-taker: who records attendance, minutes and decisions. */
const isWriter = (page: MeetingPage) => page.view.chairId === app.user.id || page.view.minuteTakerId === app.user.id;

/**
 * Who was invited and who came: a table to read; while the meeting runs, the chair or minute-taker
 * records each person (present, apologies, absent) and, at a family meeting, each family member.
 */
export function AttendanceSection(props: { page: MeetingPage; onChanged: () => void }) {
  const { page } = props;
  const v = page.view;
  const editable = v.status === 'in_progress' && isWriter(page);
  return (
    <section aria-labelledby="attendance-heading" class="meeting-section">
      <h2 id="attendance-heading">Attendance</h2>
      {editable ? (
        <AttendanceForm page={page} onChanged={props.onChanged} />
      ) : (
        <>
          {v.status === 'scheduled' && <p class="hint">Attendance is recorded once the meeting has started.</p>}
          <table class="table table-stack">
            <caption class="visually-hidden">People invited and their attendance</caption>
            <thead>
              <tr>
                <th scope="col">Invited</th>
                <th scope="col">Agency</th>
                <th scope="col">Attendance</th>
              </tr>
            </thead>
            <tbody>
              {v.invitees.map((i) => (
                <tr key={i.userId}>
                  <th scope="row">
                    {i.displayName}
                    {i.userId === v.chairId && ' (chair)'}
                    {i.userId === v.minuteTakerId && ' (minute-taker)'}
                  </th>
                  <td data-label="Agency">{i.agencyName}</td>
                  <td data-label="Attendance">{i.attendance ? ATTENDANCE_LABELS[i.attendance] : 'Not recorded'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {page.family && v.kind === 'family' && (
            <table class="table table-stack">
              <caption class="visually-hidden">Family members and their attendance</caption>
              <thead>
                <tr>
                  <th scope="col">Family member</th>
                  <th scope="col">Attendance</th>
                </tr>
              </thead>
              <tbody>
                {page.family.members.map((fm) => {
                  const a = v.familyAttendance.find((x) => x.memberId === fm.id);
                  return (
                    <tr key={fm.id}>
                      <th scope="row">{familyMemberLabel(fm)}</th>
                      <td data-label="Attendance">{a ? (a.present ? 'Present' : 'Not present') : 'Not recorded'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </>
      )}
      {v.chairId === app.user.id && v.status !== 'closed' && <InviteMore page={page} onChanged={props.onChanged} />}
    </section>
  );
}

const ROLE_WORDS: Record<string, string> = { child: 'child', parent: 'parent', carer: 'carer', other: 'family' };

/** "Sam (child, EH-2026-0042-M1)", or the reference alone when the name does not open here. */
const familyMemberLabel = (fm: { ref: string; role: string; name: string | null }) =>
  fm.name
    ? `${fm.name} (${ROLE_WORDS[fm.role] ?? fm.role}, ${fm.ref})`
    : `${fm.ref} (${ROLE_WORDS[fm.role] ?? fm.role})`;

function AttendanceForm(props: { page: MeetingPage; onChanged: () => void }) {
  const { page } = props;
  const v = page.view;
  const [people, setPeople] = useState<Record<string, Attendance | null>>(() =>
    Object.fromEntries(v.invitees.map((i) => [i.userId, i.attendance])),
  );
  const [family, setFamily] = useState<Record<string, 'present' | 'absent' | null>>(() =>
    Object.fromEntries(
      (page.family?.members ?? []).map((fm) => {
        const a = v.familyAttendance.find((x) => x.memberId === fm.id);
        return [fm.id, a ? (a.present ? 'present' : 'absent') : null];
      }),
    ),
  );
  const [announce, setAnnounce] = useState<string | null>(null);
  const save = useAction(async () => {
    const chosen = Object.entries(people).filter((e): e is [string, Attendance] => e[1] !== null);
    const members = Object.entries(family).filter((e): e is [string, 'present' | 'absent'] => e[1] !== null);
    if (!chosen.length && !members.length) throw new Error('Choose who was present, sent apologies or was absent.');
    await app.secure.client.setAttendance(v.id, {
      people: chosen.map(([userId, attendance]) => ({ userId, attendance })),
      familyMembers:
        v.kind === 'family' ? members.map(([memberId, a]) => ({ memberId, present: a === 'present' })) : [],
    });
    setAnnounce('Attendance saved.');
    props.onChanged();
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        setAnnounce(null);
        void save.run();
      }}
    >
      <ErrorSummary error={save.error} />
      <div class="attendance-list">
        {v.invitees.map((i) => (
          <Radios
            key={i.userId}
            inline
            name={`attendance-${i.userId}`}
            legend={`${i.displayName}, ${i.agencyName}${i.userId === v.chairId ? ' (chair)' : ''}${i.userId === v.minuteTakerId ? ' (minute-taker)' : ''}`}
            value={people[i.userId] ?? ''}
            options={ATTENDANCE.map((a) => ({ value: a, label: ATTENDANCE_LABELS[a] }))}
            onChange={(a) => setPeople((p) => ({ ...p, [i.userId]: a }))}
          />
        ))}
        {v.kind === 'family' &&
          page.family?.members.map((fm) => (
            <Radios
              key={fm.id}
              inline
              name={`family-${fm.id}`}
              legend={familyMemberLabel(fm)}
              value={family[fm.id] ?? ''}
              options={[
                { value: 'present', label: 'Present' },
                { value: 'absent', label: 'Not present' },
              ]}
              onChange={(a) => setFamily((f) => ({ ...f, [fm.id]: a }))}
            />
          ))}
      </div>
      <Status>{announce}</Status>
      <Button type="submit" busy={save.busy}>
        Save attendance
      </Button>
    </form>
  );
}

/** The chair invites more of the conversation's members (before the meeting closes). */
function InviteMore(props: { page: MeetingPage; onChanged: () => void }) {
  const { page } = props;
  const invited = new Set(page.view.invitees.map((i) => i.userId));
  const candidates = page.channel.members.filter((m) => !invited.has(m.userId));
  const [chosen, setChosen] = useState<string[]>([]);
  const [announce, setAnnounce] = useState<string | null>(null);
  const invite = useAction(async () => {
    if (!chosen.length) throw new Error('Choose who to invite.');
    await app.secure.client.inviteToMeeting(page.view.id, chosen);
    setAnnounce(`${chosen.length === 1 ? 'One more person is' : `${chosen.length} more people are`} invited.`);
    setChosen([]);
    props.onChanged();
  });
  if (!candidates.length) return <Status>{announce}</Status>;
  return (
    <details class="no-print">
      <summary>Invite more people</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setAnnounce(null);
          void invite.run();
        }}
      >
        <ErrorSummary error={invite.error} />
        <Checkboxes
          legend="Members of the conversation not invited yet"
          values={chosen}
          options={candidates.map((m) => ({ value: m.userId, label: `${m.displayName} (${m.agencyName})` }))}
          onChange={setChosen}
        />
        <Button type="submit" busy={invite.busy}>
          Invite
        </Button>
      </form>
      <Status>{announce}</Status>
    </details>
  );
}

const ENTRY_KIND_WORDS = { information: 'Note', decision: 'Decision', action: 'Action' } as const;

/** Decisions (and other entries) recorded against agenda items; the chair or minute-taker adds them. */
export function DecisionsSection(props: { page: MeetingPage; onChanged: () => void }) {
  const { page } = props;
  const v = page.view;
  const items = minuteItems(page.agenda);
  const [item, setItem] = useState(items[0].id);
  const [text, setText] = useState('');
  const [announce, setAnnounce] = useState<string | null>(null);
  const add = useAction(async () => {
    if (!text.trim()) throw new Error('Write the decision.');
    const s = app.secure;
    const id = crypto.randomUUID();
    await s.sealedWrite(async () =>
      s.client.addMeetingEntry(v.id, {
        id,
        agendaItem: item,
        kind: 'decision',
        content: await s.sealField(v.channelId, 'meeting-entry', { text: text.trim() }, { recordId: id }),
      }),
    );
    setText('');
    setAnnounce(`Decision recorded under “${agendaTitle(page.agenda, item)}”.`);
    props.onChanged();
  });
  const decisions = page.entries.filter((e) => e.kind === 'decision');
  const others = page.entries.filter((e) => e.kind !== 'decision');
  return (
    <section aria-labelledby="decisions-heading" class="meeting-section">
      <h2 id="decisions-heading">Decisions</h2>
      {decisions.length === 0 ? (
        <p>No decisions recorded.</p>
      ) : (
        <ol class="entries">
          {decisions.map((e) => (
            <li key={e.id}>
              <strong>{agendaTitle(page.agenda, e.agendaItem)}:</strong>{' '}
              <span class="prose">{e.text ?? 'This decision does not open on this device.'}</span>
            </li>
          ))}
        </ol>
      )}
      {others.length > 0 && (
        <>
          <h3>Other notes recorded</h3>
          <ul class="entries">
            {others.map((e) => (
              <li key={e.id}>
                <strong>
                  {ENTRY_KIND_WORDS[e.kind]}, {agendaTitle(page.agenda, e.agendaItem)}:
                </strong>{' '}
                <span class="prose">{e.text ?? 'This note does not open on this device.'}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <Status>{announce}</Status>
      {v.status === 'in_progress' && isWriter(page) && (
        <form
          class="no-print"
          onSubmit={(e) => {
            e.preventDefault();
            setAnnounce(null);
            void add.run();
          }}
        >
          <h3>Record a decision</h3>
          <ErrorSummary error={add.error} />
          {items.length > 1 && (
            <Select
              label="Agenda item"
              value={item}
              options={items.map((a, i) => ({ value: a.id, label: `${i + 1}. ${a.title}` }))}
              onChange={setItem}
            />
          )}
          <TextArea label="Decision" rows={3} value={text} onInput={setText} required />
          <Button type="submit" busy={add.busy}>
            Record decision
          </Button>
        </form>
      )}
    </section>
  );
}

/** Who may set actions here: the meeting's chair or minute-taker, a chair of the conversation, the lead worker. */
function canSetActions(page: MeetingPage): boolean {
  const me = app.user.id;
  return (
    isWriter(page) ||
    page.channel.members.some((m) => m.userId === me && m.role === 'chair') ||
    page.family?.leadWorkerId === me
  );
}

/** The actions raised in this meeting, each with a named owner and a due date; new ones set here. */
export function ActionsSection(props: { page: MeetingPage; actions: ShownAction[] | null; onChanged: () => void }) {
  const { page, actions } = props;
  const today = localDay(new Date());
  return (
    <section aria-labelledby="actions-heading" class="meeting-section">
      <h2 id="actions-heading">Actions</h2>
      {actions === null ? (
        <p role="status">Loading actions…</p>
      ) : actions.length === 0 ? (
        <p>No actions set in this meeting.</p>
      ) : (
        <table class="table table-stack actions-table">
          <caption class="visually-hidden">Actions set in this meeting</caption>
          <thead>
            <tr>
              <th scope="col">Action</th>
              <th scope="col">Owner</th>
              <th scope="col">Due</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {actions.map((a) => (
              <tr key={a.id}>
                <th scope="row" class="prose">
                  {a.text ?? 'This action does not open on this device.'}
                </th>
                <td data-label="Owner">{page.people.withAgency(a.ownerId)}</td>
                <td data-label="Due">{dueText(a, today, formatDate)}</td>
                <td data-label="Status">{ACTION_STATUS_LABELS[a.status]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canSetActions(page) && <NewAction page={page} onChanged={props.onChanged} />}
    </section>
  );
}

function NewAction(props: { page: MeetingPage; onChanged: () => void }) {
  const { page } = props;
  const v = page.view;
  const owners = page.channel.members.filter((m) => m.role !== 'observer');
  const [text, setText] = useState('');
  const [owner, setOwner] = useState('');
  const [due, setDue] = useState('');
  const [dueError, setDueError] = useState<string | null>(null);
  const [announce, setAnnounce] = useState<string | null>(null);
  const create = useAction(async () => {
    if (!text.trim()) throw new Error('Write what is to be done.');
    if (!owner) throw new Error('Choose who will do it.');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(due)) {
      setDueError('Enter the date it is due.');
      throw new Error('Enter the date it is due.');
    }
    setDueError(null);
    const s = app.secure;
    const id = crypto.randomUUID();
    await s.sealedWrite(async () =>
      s.client.createAction({
        id,
        channelId: v.channelId,
        meetingId: v.id,
        description: await s.sealField(v.channelId, 'action', { text: text.trim() }, { recordId: id }),
        ownerId: owner,
        dueOn: due,
      }),
    );
    setAnnounce(`Action set for ${page.people.name(owner)}, due ${formatDate(due)}.`);
    setText('');
    setOwner('');
    setDue('');
    props.onChanged();
  });
  return (
    <>
      <Status>{announce}</Status>
      <form
        class="no-print"
        onSubmit={(e) => {
          e.preventDefault();
          setAnnounce(null);
          void create.run();
        }}
      >
        <h3>Set an action</h3>
        <ErrorSummary error={create.error} />
        <TextArea
          label="What is to be done"
          hint="Encrypted on this device. The owner sees it in their actions."
          rows={3}
          value={text}
          onInput={setText}
          required
        />
        <Select
          label="Owner"
          value={owner}
          placeholder="Choose who will do it"
          options={owners.map((m) => ({
            value: m.userId,
            label: m.userId === app.user.id ? 'You' : `${m.displayName} (${m.agencyName})`,
          }))}
          onChange={setOwner}
          required
        />
        <Field
          label="Due date"
          type="date"
          required
          min={localDay(new Date())}
          value={due}
          error={dueError}
          onInput={setDue}
        />
        <Button type="submit" busy={create.busy}>
          Set action
        </Button>
      </form>
    </>
  );
}
