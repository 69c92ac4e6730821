import { useEffect, useState } from 'preact/hooks';
import { ACTION_STATUSES, type ActionStatus } from '../../../../contracts/actions.js';
import type { ActionDetailView, MeetingSummary } from '../../../sdk/browser.js';
import { Link } from '../router.js';
import { app } from '../state/app.js';
import { listenLive } from '../state/live.js';
import {
  ACTION_STATUS_LABELS,
  dueText,
  isLive,
  isOverdue,
  localDay,
  MEETING_KIND_LABELS,
  sortActions,
} from '../state/meeting-words.js';
import { conversationNames, describeActions, openText, People, type ShownAction } from '../state/meetings.js';
import { useObservable } from '../state/observable.js';
import { Radios } from '../ui/choice.js';
import { Status } from '../ui/status.js';
import { Button, ErrorSummary, formatDate, formatDateTime, PageTitle, TextArea, useAction } from '../ui/form.js';

/** Where an action comes from, as the person knows it. */
interface Context {
  /** The conversation's name. */
  where: string;
  /** The family's reference when it is a family's conversation. */
  family: string | null;
  meeting: MeetingSummary | null;
}

type Row = ShownAction & { context: Context };

/** The contexts of a list of actions: meetings, conversations and families, each looked up once. */
async function contexts(actions: ShownAction[]): Promise<Map<string, Context>> {
  const s = app.secure;
  const meetings = new Map((await s.client.meetings()).map((m): [string, MeetingSummary] => [m.id, m]));
  for (const id of new Set(actions.map((a) => a.meetingId).filter((x): x is string => !!x))) {
    if (meetings.has(id)) continue;
    // A meeting the person was not invited to, in a conversation they are in: still readable.
    meetings.set(id, await s.client.meeting(id));
  }
  const families = new Map((await s.client.families()).map((f) => [f.channelId, f.ref]));
  const names = await conversationNames(
    s,
    actions.map((a) => a.channelId),
  );
  return new Map(
    actions.map((a) => [
      a.id,
      {
        where: names.get(a.channelId) ?? '',
        family: families.get(a.channelId) ?? null,
        meeting: a.meetingId ? (meetings.get(a.meetingId) ?? null) : null,
      },
    ]),
  );
}

/** The person's actions across every conversation: overdue first, then by due date; progress recorded here. */
export function MyActions() {
  const [rows, setRows] = useState<Row[] | null>(null);
  /** Counts the list's loads: an open history fetches again with each (a change may be someone else's). */
  const [round, setRound] = useState(0);
  const changes = useObservable(app.changes);
  const load = useAction(async () => {
    const list = await describeActions(app.secure, await app.secure.client.myActions());
    const ctx = await contexts(list);
    setRows(list.map((a) => ({ ...a, context: ctx.get(a.id)! })));
    setRound((n) => n + 1);
  });
  useEffect(() => {
    void load.run();
  }, [changes]);
  useEffect(() => listenLive((rt) => [rt.on('action.updated', () => void load.run())]), []);
  const today = localDay(new Date());
  const sorted = sortActions(rows ?? [], today);
  const overdue = sorted.filter((a) => isOverdue(a, today));
  const todo = sorted.filter((a) => !isOverdue(a, today) && isLive(a.recordedStatus));
  const finished = sorted.filter((a) => !isLive(a.recordedStatus));
  return (
    <main id="main">
      <PageTitle>My actions</PageTitle>
      <p>Actions you own, from meetings and conversations. Descriptions and progress notes are encrypted.</p>
      <ErrorSummary error={rows === null ? load.error : null} />
      {rows === null ? (
        !load.error && <p role="status">Loading your actions…</p>
      ) : rows.length === 0 ? (
        <p>You have no actions.</p>
      ) : (
        <>
          {load.error && <p class="error-text">Could not refresh the list: {load.error}</p>}
          {(
            [
              ['Overdue', overdue],
              ['To do', todo],
              ['Done or cancelled', finished],
            ] as const
          ).map(([title, list]) => (
            <ActionGroup
              key={title}
              title={title}
              rows={list}
              today={today}
              round={round}
              onChanged={() => void load.run()}
            />
          ))}
        </>
      )}
    </main>
  );
}

function ActionGroup(props: { title: string; rows: Row[]; today: string; round: number; onChanged: () => void }) {
  if (!props.rows.length) return null;
  const id = `group-${props.title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>
        {props.title} ({props.rows.length})
      </h2>
      <ul class="action-list">
        {props.rows.map((a) => (
          <ActionCard key={a.id} a={a} today={props.today} round={props.round} onChanged={props.onChanged} />
        ))}
      </ul>
    </section>
  );
}

function ActionCard({ a, today, round, onChanged }: { a: Row; today: string; round: number; onChanged: () => void }) {
  const [open, setOpen] = useState(false);
  const overdue = isOverdue(a, today);
  const m = a.context.meeting;
  const panel = `action-${a.id}-progress`;
  return (
    <li class={`action-card${overdue ? ' action-card-overdue' : ''}`}>
      <h3 class="prose">{a.text ?? 'This action does not open on this device.'}</h3>
      <p class="action-due">
        {overdue ? <strong>{dueText(a, today, formatDate)}</strong> : dueText(a, today, formatDate)}
      </p>
      <p>
        <strong>Status:</strong> {ACTION_STATUS_LABELS[a.status === 'overdue' ? a.recordedStatus : a.status]}
      </p>
      <p>
        {m ? (
          <>
            Set in the{' '}
            <Link href={`/meetings/${m.id}`}>
              {MEETING_KIND_LABELS[m.kind].toLowerCase()} of {formatDateTime(m.scheduledAt)}
            </Link>
            , in {a.context.where}
          </>
        ) : (
          <>Set in {a.context.where}</>
        )}
        {a.context.family && !a.context.where.includes(a.context.family) && <>, for family {a.context.family}</>}.
      </p>
      <Button variant="secondary" aria-expanded={open} aria-controls={panel} onClick={() => setOpen((o) => !o)}>
        {open ? 'Hide progress' : 'Progress and updates'}
        <span class="visually-hidden"> for this action</span>
      </Button>
      <div id={panel} hidden={!open}>
        {open && <ActionProgress a={a} round={round} onChanged={onChanged} />}
      </div>
    </li>
  );
}

/** An update with its note opened here. */
type ShownUpdate = ActionDetailView['updates'][number] & { noteText: string | null };

/** The history of an action (status changes, notes, reassignments) and the owner's update form. */
function ActionProgress({ a, round, onChanged }: { a: Row; round: number; onChanged: () => void }) {
  const [history, setHistory] = useState<{ updates: ShownUpdate[]; people: People } | null>(null);
  const [status, setStatus] = useState<ActionStatus>(a.recordedStatus);
  const [note, setNote] = useState('');
  const [announce, setAnnounce] = useState<string | null>(null);
  const load = useAction(async () => {
    const s = app.secure;
    const detail = await s.client.action(a.id);
    const channel = await s.client.channel(a.channelId);
    const updates: ShownUpdate[] = [];
    for (const u of detail.updates) {
      updates.push({ ...u, noteText: await openText(s, a.channelId, 'action-note', u.note, { recordId: u.id }) });
    }
    setHistory({ updates, people: new People(s.userId, channel) });
    setStatus(detail.recordedStatus);
  });
  useEffect(() => {
    void load.run();
  }, [round]);
  const save = useAction(async () => {
    const changes = status !== a.recordedStatus;
    if (!changes && !note.trim()) throw new Error('Choose a new status or write a progress note.');
    const s = app.secure;
    const updateId = crypto.randomUUID();
    await s.sealedWrite(async () =>
      s.client.updateAction(a.id, {
        updateId,
        ...(changes ? { status } : {}),
        ...(note.trim()
          ? { note: await s.sealField(a.channelId, 'action-note', { text: note.trim() }, { recordId: updateId }) }
          : {}),
      }),
    );
    setNote('');
    setAnnounce(
      changes ? `Saved: the action is now ${ACTION_STATUS_LABELS[status].toLowerCase()}.` : 'Progress note saved.',
    );
    onChanged();
  });
  return (
    <div class="action-progress">
      <h4>Progress</h4>
      <ErrorSummary error={load.error} />
      {history === null ? (
        !load.error && <p role="status">Loading progress…</p>
      ) : history.updates.length === 0 ? (
        <p>No updates yet.</p>
      ) : (
        <ol class="updates">
          {history.updates.map((u) => (
            <li key={u.id}>
              <time dateTime={u.createdAt}>{formatDateTime(u.createdAt)}</time>, {history.people.name(u.authorId)}:{' '}
              {u.kind === 'status' && u.statusFrom && u.statusTo
                ? `status changed from ${ACTION_STATUS_LABELS[u.statusFrom].toLowerCase()} to ${ACTION_STATUS_LABELS[u.statusTo].toLowerCase()}.`
                : u.kind === 'reassigned'
                  ? `passed from ${history.people.name(u.fromUserId)} to ${history.people.name(u.toUserId)}.`
                  : 'progress note.'}
              {u.note && <p class="prose update-note">{u.noteText ?? 'This note does not open on this device.'}</p>}
            </li>
          ))}
        </ol>
      )}
      <Status>{announce}</Status>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setAnnounce(null);
          void save.run();
        }}
      >
        <ErrorSummary error={save.error} />
        <Radios
          legend="Status"
          name={`status-${a.id}`}
          value={status}
          options={ACTION_STATUSES.map((st) => ({ value: st, label: ACTION_STATUS_LABELS[st] }))}
          onChange={setStatus}
          inline
        />
        <TextArea
          label="Progress note (optional)"
          hint="What has been done, or what is in the way. Encrypted on this device; the conversation’s members can read it."
          rows={3}
          value={note}
          onInput={setNote}
        />
        <Button type="submit" busy={save.busy}>
          Save update
        </Button>
      </form>
    </div>
  );
}
