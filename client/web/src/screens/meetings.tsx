import { useEffect, useState } from 'preact/hooks';
import { MEETING_KINDS, type MeetingKind } from '../../../../contracts/meetings.js';
import type { ChannelView, MeetingSummary } from '../../../sdk/browser.js';
import { Link, navigate } from '../router.js';
import { app } from '../state/app.js';
import { listenLive } from '../state/live.js';
import { conversationNames } from '../state/meetings.js';
import {
  groupMeetings,
  localDateTimeToIso,
  MEETING_CHANNEL_KINDS,
  MEETING_KIND_LABELS,
  MEETING_STATUS_LABELS,
} from '../state/meeting-words.js';
import { useObservable } from '../state/observable.js';
import { Checkboxes, Radios, Select } from '../ui/choice.js';
import { Status } from '../ui/status.js';
import { Button, ErrorSummary, Field, formatDateTime, PageTitle, useAction } from '../ui/form.js';

/** How long ago a start time may be and still count as now: a meeting scheduled as it begins. */
const PAST_GRACE_MS = 60_000;

/** A meeting in the list, with the name of the conversation it belongs to. */
interface Row extends MeetingSummary {
  where: string;
}

/** The meeting kinds that may be held in a conversation of this kind. */
const kindsFor = (channelKind: ChannelView['kind']) =>
  MEETING_KINDS.filter((k) => MEETING_CHANNEL_KINDS[k].includes(channelKind));

/** The meetings the person is invited to: upcoming and running first, then closed ones. */
export function Meetings() {
  const [rows, setRows] = useState<Row[] | null>(null);
  const [canSchedule, setCanSchedule] = useState(false);
  const changes = useObservable(app.changes);
  const load = useAction(async () => {
    const [list, channels] = await Promise.all([app.secure.client.meetings(), app.secure.client.channels()]);
    const names = await conversationNames(
      app.secure,
      list.map((m) => m.channelId),
    );
    setRows(list.map((m) => ({ ...m, where: names.get(m.channelId) ?? '' })));
    setCanSchedule(channels.some((c) => c.myRole === 'chair' && kindsFor(c.kind).length > 0));
  });
  useEffect(() => {
    void load.run();
  }, [changes]);
  // A meeting closed or changed elsewhere: its status here follows.
  useEffect(() => listenLive((rt) => [rt.on('minutes.updated', () => void load.run())]), []);
  const { upcoming, past } = groupMeetings(rows ?? []);
  return (
    <main id="main">
      <PageTitle>Meetings</PageTitle>
      <p>Locality, family and professionals’ meetings you are invited to.</p>
      {canSchedule && (
        <p>
          <Link href="/meetings/new" class="button button-primary">
            Schedule a meeting
          </Link>
        </p>
      )}
      <ErrorSummary error={load.error} />
      {rows === null ? (
        <p role="status">Loading your meetings…</p>
      ) : (
        <>
          <h2>Upcoming and in progress</h2>
          {upcoming.length ? <MeetingTable rows={upcoming} caption="Upcoming and in progress" /> : <p>None.</p>}
          <h2>Closed</h2>
          {past.length ? <MeetingTable rows={past} caption="Closed meetings" /> : <p>None yet.</p>}
        </>
      )}
    </main>
  );
}

function MeetingTable({ rows, caption }: { rows: Row[]; caption: string }) {
  return (
    <table class="table table-stack">
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Meeting</th>
          <th scope="col">When</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((m) => (
          <tr key={m.id}>
            <th scope="row">
              <Link href={`/meetings/${m.id}`}>
                {MEETING_KIND_LABELS[m.kind]}
                {m.where ? `: ${m.where}` : ''}
              </Link>
              {m.chairId === app.user.id && <span class="hint"> (you chair it)</span>}
            </th>
            <td data-label="When">
              <time dateTime={m.scheduledAt}>{formatDateTime(m.scheduledAt)}</time>
            </td>
            <td data-label="Status">{MEETING_STATUS_LABELS[m.status]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A conversation the person chairs, where meetings can be held. */
interface ChairedChannel {
  id: string;
  kind: ChannelView['kind'];
  name: string;
}

/**
 * Scheduling a meeting (chairs of a conversation): when, where and the agenda, encrypted here; who takes
 * the minutes and who is invited, from the conversation's members.
 */
export function ScheduleMeeting() {
  const [channels, setChannels] = useState<ChairedChannel[] | null>(null);
  const [channelId, setChannelId] = useState('');
  const [channel, setChannel] = useState<ChannelView | null>(null);
  const [kind, setKind] = useState<MeetingKind | null>(null);
  const [when, setWhen] = useState('');
  const [whenError, setWhenError] = useState<string | null>(null);
  const [happened, setHappened] = useState(false);
  const [place, setPlace] = useState('');
  const [agenda, setAgenda] = useState<{ key: number; title: string }[]>([{ key: 1, title: '' }]);
  const [minuteTaker, setMinuteTaker] = useState('');
  const [invitees, setInvitees] = useState<string[]>([]);
  const [announce, setAnnounce] = useState<string | null>(null);

  const loadChannels = useAction(async () => {
    const list = (await app.secure.client.channels()).filter(
      (c) => c.myRole === 'chair' && kindsFor(c.kind).length > 0,
    );
    const names = await conversationNames(
      app.secure,
      list.map((c) => c.id),
    );
    setChannels(list.map((c) => ({ id: c.id, kind: c.kind, name: names.get(c.id) ?? '' })));
    if (list.length === 1) setChannelId(list[0].id);
  });
  useEffect(() => {
    void loadChannels.run();
  }, []);

  const loadMembers = useAction(async (id: string) => {
    const view = await app.secure.client.channel(id);
    setChannel(view);
    setKind(kindsFor(view.kind)[0] ?? null);
    setMinuteTaker('');
    setInvitees(view.members.filter((m) => m.userId !== app.user.id && m.role !== 'observer').map((m) => m.userId));
  });
  useEffect(() => {
    setChannel(null);
    if (channelId) void loadMembers.run(channelId);
  }, [channelId]);

  const schedule = useAction(async () => {
    const scheduledAt = localDateTimeToIso(when);
    if (!scheduledAt) {
      setWhenError('Enter the date and time of the meeting.');
      throw new Error('Enter the date and time of the meeting.');
    }
    // A time in the past is most often a slip (the wrong year or month): it needs "It already happened".
    const inPast = Date.parse(scheduledAt) < Date.now() - PAST_GRACE_MS;
    const slip =
      inPast && !happened
        ? `That time is in the past (${formatDateTime(scheduledAt)}). Check the date, or tick “It already happened” to record a meeting afterwards.`
        : !inPast && happened
          ? `${formatDateTime(scheduledAt)} is still to come: untick “It already happened”.`
          : null;
    setWhenError(slip);
    if (slip) throw new Error(slip);
    if (!channel || !kind) throw new Error('Choose the conversation the meeting belongs to.');
    const items = agenda
      .map((a) => a.title.trim())
      .filter(Boolean)
      .map((title, i) => ({ id: String(i + 1), title }));
    const id = crypto.randomUUID();
    const s = app.secure;
    const m = await s.sealedWrite(async () =>
      s.client.scheduleMeeting({
        id,
        channelId: channel.id,
        kind,
        scheduledAt,
        place: place.trim()
          ? await s.sealField(channel.id, 'meeting-place', { text: place.trim() }, { recordId: id })
          : undefined,
        agenda: items.length ? await s.sealField(channel.id, 'meeting-agenda', items, { recordId: id }) : undefined,
        minuteTakerId: minuteTaker || undefined,
        invitees: invitees.filter((u) => u !== app.user.id),
      }),
    );
    app.notify(`Meeting scheduled for ${formatDateTime(m.scheduledAt)}.`);
    navigate(`/meetings/${m.id}`);
  });

  const others = channel?.members.filter((m) => m.userId !== app.user.id) ?? [];
  const addItem = () => {
    const key = Math.max(0, ...agenda.map((a) => a.key)) + 1;
    setAgenda([...agenda, { key, title: '' }]);
    setAnnounce(`Agenda item ${agenda.length + 1} added.`);
    setTimeout(() => document.getElementById(`agenda-item-${key}`)?.focus());
  };
  const removeItem = (key: number, n: number) => {
    setAgenda(agenda.filter((a) => a.key !== key));
    setAnnounce(`Agenda item ${n} removed.`);
  };

  return (
    <main id="main" class="narrow">
      <PageTitle>Schedule a meeting</PageTitle>
      <p>
        <Link href="/meetings">Back to meetings</Link>
      </p>
      <ErrorSummary error={schedule.error ?? loadChannels.error ?? loadMembers.error} />
      {channels === null ? (
        <p role="status">Loading the conversations you chair…</p>
      ) : channels.length === 0 ? (
        <p>
          Meetings are scheduled by the chair of a locality, family or professionals’ conversation. You do not chair one
          yet.
        </p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void schedule.run();
          }}
        >
          <Select
            label="Conversation"
            hint="The meeting belongs to this conversation: its members are who can be invited, and only they can read the place and agenda."
            value={channelId}
            placeholder={channelId ? undefined : 'Choose a conversation'}
            options={channels.map((c) => ({ value: c.id, label: c.name }))}
            onChange={setChannelId}
            required
          />
          {channel && (
            <>
              {kindsFor(channel.kind).length > 1 ? (
                <Radios
                  legend="Kind of meeting"
                  name="kind"
                  value={kind ?? ''}
                  options={kindsFor(channel.kind).map((k) => ({ value: k, label: MEETING_KIND_LABELS[k] }))}
                  onChange={setKind}
                />
              ) : (
                <p>
                  <strong>Kind of meeting:</strong> {kind ? MEETING_KIND_LABELS[kind] : ''}
                </p>
              )}
              <Field
                label="Date and time"
                hint="In your own time zone."
                type="datetime-local"
                required
                value={when}
                error={whenError}
                onInput={setWhen}
              />
              <Checkboxes
                legend="Recording a past meeting?"
                values={happened ? ['past'] : []}
                options={[{ value: 'past', label: 'It already happened: I am recording it afterwards' }]}
                onChange={(v) => setHappened(v.includes('past'))}
              />
              <Field
                label="Place or video link (optional)"
                hint="Encrypted on this device: only the conversation’s members can read it."
                value={place}
                onInput={setPlace}
                maxLength={500}
              />
              <fieldset class="choices">
                <legend>Agenda</legend>
                <p class="hint">Items in order. Minutes and decisions are written against them. Encrypted here.</p>
                <ol class="agenda-inputs">
                  {agenda.map((a, i) => (
                    <li key={a.key}>
                      <label for={`agenda-item-${a.key}`}>Agenda item {i + 1}</label>
                      <div class="inline-input">
                        <input
                          id={`agenda-item-${a.key}`}
                          type="text"
                          value={a.title}
                          maxLength={200}
                          onInput={(e) => {
                            const title = e.currentTarget.value;
                            setAgenda((list) => list.map((x) => (x.key === a.key ? { ...x, title } : x)));
                          }}
                        />
                        {agenda.length > 1 && (
                          <Button variant="link" onClick={() => removeItem(a.key, i + 1)}>
                            Remove<span class="visually-hidden"> agenda item {i + 1}</span>
                          </Button>
                        )}
                      </div>
                    </li>
                  ))}
                </ol>
                <Button variant="secondary" onClick={addItem}>
                  Add another item
                </Button>
              </fieldset>
              <Status>{announce}</Status>
              <Select
                label="Minute-taker"
                hint="Writes the minutes with you. You can always write them yourself."
                value={minuteTaker}
                options={[
                  { value: '', label: 'You (the chair)' },
                  ...others.map((m) => ({ value: m.userId, label: `${m.displayName} (${m.agencyName})` })),
                ]}
                onChange={setMinuteTaker}
              />
              {others.length > 0 ? (
                <Checkboxes
                  legend="Invite"
                  hint="Members of the conversation. You are invited as the chair."
                  values={invitees}
                  options={others.map((m) => ({
                    value: m.userId,
                    label: `${m.displayName} (${m.agencyName})${m.role === 'observer' ? ', observer' : ''}`,
                  }))}
                  onChange={setInvitees}
                />
              ) : (
                <p>Nobody else is in this conversation yet: add members to it to invite them.</p>
              )}
              <Button type="submit" busy={schedule.busy}>
                Schedule meeting
              </Button>
            </>
          )}
          {channelId && !channel && !loadMembers.error && <p role="status">Loading the conversation’s members…</p>}
        </form>
      )}
    </main>
  );
}
