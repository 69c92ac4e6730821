import { useEffect, useRef, useState } from 'preact/hooks';
import { StrongroomApiError } from '../../../sdk/browser.js';
import { Link } from '../router.js';
import { app } from '../state/app.js';
import { listenLive } from '../state/live.js';
import { buildIcs, icsFileName } from '../state/ics.js';
import { localDay, MEETING_KIND_LABELS, MEETING_STATUS_LABELS } from '../state/meeting-words.js';
import {
  loadMeeting,
  loadMinutes,
  meetingActions,
  type MeetingPage,
  type MinutesState,
  type ShownAction,
} from '../state/meetings.js';
import { Button, ErrorSummary, formatDateTime, PageTitle, useAction } from '../ui/form.js';
import { Amendments, MinutesSection } from './meeting-minutes.js';
import { ActionsSection, AttendanceSection, DecisionsSection } from './meeting-records.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How long a meeting is assumed to last in a calendar: meetings record no end time. */
const ASSUMED_MINUTES = 60;

/**
 * One meeting: its details and agenda, attendance, the minutes (written while it runs, signed at close,
 * then amended), decisions and actions. Prints as a clean minutes document.
 */
export function Meeting({ params }: { params: Record<string, string> }) {
  const id = params.id;
  const [page, setPage] = useState<MeetingPage | null>(null);
  const [minutes, setMinutes] = useState<MinutesState | null>(null);
  const [actions, setActions] = useState<ShownAction[] | null>(null);
  const [gone, setGone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const live = useRef<{ stopped: boolean; page: MeetingPage | null }>({ stopped: false, page: null });

  const refusal = (err: unknown) => {
    if (err instanceof StrongroomApiError && (err.status === 403 || err.status === 404)) {
      setGone(
        err.status === 404
          ? 'There is no such meeting, or it is no longer kept.'
          : 'You cannot open this meeting: you are not a member of its conversation.',
      );
    } else setError(app.failed(err));
  };

  const refresh = async () => {
    try {
      const p = await loadMeeting(app.secure, id);
      const m = await loadMinutes(app.secure, p.view);
      if (live.current.stopped) return;
      live.current.page = p;
      setPage(p);
      setMinutes(m);
      setError(null);
      await refreshActions(p);
    } catch (err) {
      if (!live.current.stopped) refusal(err);
    }
  };
  const refreshActions = async (p: MeetingPage | null = live.current.page) => {
    if (!p) return;
    try {
      const list = await meetingActions(app.secure, p.view);
      if (!live.current.stopped) setActions(list);
    } catch (err) {
      if (!live.current.stopped) refusal(err);
    }
  };

  useEffect(() => {
    if (!UUID.test(id)) {
      setGone('There is no meeting at this address.');
      return;
    }
    live.current = { stopped: false, page: null };
    const inChannel = (channelId: string) => channelId === live.current.page?.view.channelId;
    void refresh();
    const stopLive = listenLive((rt) => [
      rt.on('minutes.updated', (e) => {
        if (e.meetingId === id) void refresh();
      }),
      rt.on('action.updated', (e) => {
        if (inChannel(e.channelId)) void refreshActions();
      }),
      rt.on('member.removed', (e) => {
        if (inChannel(e.channelId)) void refresh();
      }),
      rt.on('member.added', (e) => {
        if (inChannel(e.channelId)) void refresh();
      }),
    ]);
    return () => {
      live.current.stopped = true;
      stopLive();
    };
  }, [id]);

  if (gone) {
    return (
      <main id="main" class="narrow">
        <PageTitle>Meeting</PageTitle>
        <p role="alert">{gone}</p>
        <p>
          <Link href="/meetings">Back to meetings</Link>
        </p>
      </main>
    );
  }
  if (!page || !minutes) {
    return (
      <main id="main">
        <PageTitle>Meeting</PageTitle>
        <ErrorSummary error={error} />
        {!error && <p role="status">Opening the meeting…</p>}
      </main>
    );
  }

  const v = page.view;
  const title = `${MEETING_KIND_LABELS[v.kind]}: ${page.channelName}`;
  const changed = () => void refresh();
  return (
    <main id="main" class="meeting">
      <p class="no-print">
        <Link href="/meetings">Back to meetings</Link>
      </p>
      <PageTitle title={title}>{title}</PageTitle>
      <ErrorSummary error={error} />
      <MeetingDetails page={page} />
      <div class="meeting-tools no-print">
        <InviteDownload page={page} title={title} />
        <Button variant="secondary" onClick={() => print()}>
          Print or save as PDF
        </Button>
      </div>
      <StartMeeting page={page} onChanged={changed} />
      <section aria-labelledby="agenda-heading" class="meeting-section">
        <h2 id="agenda-heading">Agenda</h2>
        {page.agendaUnreadable ? (
          <p class="warning-text">The agenda does not open on this device.</p>
        ) : page.agenda.length ? (
          <ol>
            {page.agenda.map((a) => (
              <li key={a.id}>{a.title}</li>
            ))}
          </ol>
        ) : (
          <p>No agenda was set.</p>
        )}
      </section>
      <AttendanceSection page={page} onChanged={changed} />
      <MinutesSection page={page} minutes={minutes} onChanged={changed} />
      <DecisionsSection page={page} onChanged={changed} />
      <ActionsSection page={page} actions={actions} onChanged={() => void refreshActions()} />
      <Amendments page={page} minutes={minutes} onChanged={changed} />
    </main>
  );
}

/** When, where, status, chair and minute-taker (and the family, by its reference). */
function MeetingDetails({ page }: { page: MeetingPage }) {
  const v = page.view;
  return (
    <dl class="meeting-details">
      <dt>When</dt>
      <dd>
        <time dateTime={v.scheduledAt}>{formatDateTime(v.scheduledAt)}</time>
      </dd>
      <dt>Where</dt>
      <dd>{page.place === null ? 'The place does not open on this device.' : page.place || 'Not given'}</dd>
      <dt>Status</dt>
      <dd>
        {MEETING_STATUS_LABELS[v.status]}
        {v.status === 'in_progress' && v.startedAt && ` since ${formatDateTime(v.startedAt)}`}
        {v.status === 'closed' && v.closedAt && ` on ${formatDateTime(v.closedAt)}`}
      </dd>
      <dt>Chair</dt>
      <dd>{page.people.withAgency(v.chairId)}</dd>
      <dt>Minute-taker</dt>
      <dd>{page.people.withAgency(v.minuteTakerId ?? v.chairId)}</dd>
      {page.family && (
        <>
          <dt>Family</dt>
          <dd>{page.family.ref}</dd>
        </>
      )}
    </dl>
  );
}

/**
 * A calendar file made in this page (a blob: address, so nothing is fetched and the page's policy needs
 * no change): the title, time and place, and a link back; never the agenda or minutes.
 */
function InviteDownload({ page, title }: { page: MeetingPage; title: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const v = page.view;
  useEffect(() => {
    const start = new Date(v.scheduledAt);
    const ics = buildIcs({
      uid: `${v.id}@strongroom`,
      title,
      start,
      durationMinutes: ASSUMED_MINUTES,
      location: page.place || null,
      url: `${location.origin}/meetings/${v.id}`,
      description: 'The agenda and minutes are in Strongroom. The end time is a guess: meetings record no end.',
      now: new Date(),
    });
    const made = URL.createObjectURL(new Blob([ics], { type: 'text/calendar;charset=utf-8' }));
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [v.id, v.scheduledAt, page.place, title]);
  if (!url) return null;
  return (
    <a class="button button-secondary" href={url} download={icsFileName(localDay(new Date(v.scheduledAt)))}>
      Download invite (.ics)
    </a>
  );
}

/** The chair starts a scheduled meeting: from then on minutes, attendance and decisions can be written. */
function StartMeeting(props: { page: MeetingPage; onChanged: () => void }) {
  const v = props.page.view;
  const start = useAction(async () => {
    await app.secure.client.startMeeting(v.id);
    app.notify('The meeting has started: attendance, minutes and decisions can be recorded now.');
    props.onChanged();
  });
  if (v.status !== 'scheduled') return null;
  if (v.chairId !== app.user.id) {
    return <p class="notice no-print">The meeting has not started yet. The chair starts it when it begins.</p>;
  }
  return (
    <section aria-labelledby="start-heading" class="meeting-section no-print">
      <h2 id="start-heading">Start the meeting</h2>
      <p>Once started, attendance, minutes and decisions can be recorded.</p>
      <ErrorSummary error={start.error} />
      <Button busy={start.busy} onClick={() => void start.run()}>
        Start the meeting
      </Button>
    </section>
  );
}
