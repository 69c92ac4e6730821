import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  StrongroomApiError,
  type AgendaItem,
  type MinutesDocument,
  type MinutesVersionView,
} from '../../../sdk/browser.js';
import { app } from '../state/app.js';
import { agendaTitle, GENERAL_ITEM } from '../state/meeting-words.js';
import {
  isServerFailure,
  normaliseMinutes,
  type MeetingPage,
  type MinutesState,
  type ShownAmendment,
} from '../state/meetings.js';
import { ConfirmButton } from '../ui/confirm.js';
import { Status } from '../ui/status.js';
import { Button, ErrorSummary, formatDateTime, TextArea, useAction } from '../ui/form.js';

/** The agenda items minutes are written under: the agenda, or one general item when there is none. */
export const minuteItems = (agenda: AgendaItem[]) => (agenda.length ? agenda : [GENERAL_ITEM]);

/** Whether the family's voice belongs in these minutes: a family meeting, or minutes that already have it. */
const hasFamilyVoice = (page: MeetingPage, doc: MinutesDocument | null) =>
  page.view.kind === 'family' || !!doc?.familyVoice;

/** The notes of one agenda item in a document. */
const notesOf = (doc: MinutesDocument, item: string) => doc.sections.find((s) => s.item === item)?.notes ?? '';

/** A document as it is saved: agenda items in order, then any others it had, empty notes left out. */
function tidy(doc: MinutesDocument, agenda: AgendaItem[]): MinutesDocument {
  const order = minuteItems(agenda).map((a) => a.id);
  const sections = [
    ...order.map((item) => ({ item, notes: notesOf(doc, item) })),
    ...doc.sections.filter((s) => !order.includes(s.item)),
  ].filter((s) => s.notes.trim() !== '');
  return { sections, ...(doc.familyVoice?.trim() ? { familyVoice: doc.familyVoice } : {}) };
}

/** The minutes as a document to read (and to print): each agenda item with its notes, and the family's voice. */
export function MinutesText({
  page,
  doc,
  className,
}: {
  page: MeetingPage;
  doc: MinutesDocument | null;
  className?: string;
}) {
  const items = minuteItems(page.agenda);
  const extra = doc?.sections.filter((s) => !items.some((a) => a.id === s.item)) ?? [];
  return (
    <div class={`minutes-text${className ? ` ${className}` : ''}`}>
      {items.map((a, i) => (
        <section key={a.id} class="minutes-item">
          <h3>
            {page.agenda.length ? `${i + 1}. ` : ''}
            {a.title}
          </h3>
          {doc && notesOf(doc, a.id) ? <p class="prose">{notesOf(doc, a.id)}</p> : <p class="hint">No notes.</p>}
        </section>
      ))}
      {extra.map((s) => (
        <section key={s.item} class="minutes-item">
          <h3>{agendaTitle(page.agenda, s.item)}</h3>
          <p class="prose">{s.notes}</p>
        </section>
      ))}
      {hasFamilyVoice(page, doc) && (
        <section class="minutes-item">
          <h3>The family’s voice</h3>
          {doc?.familyVoice ? <p class="prose">{doc.familyVoice}</p> : <p class="hint">Not recorded.</p>}
        </section>
      )}
    </div>
  );
}

/**
 * The minutes section: while the meeting runs, the editor for the chair and minute-taker (a draft to
 * read for everyone else); once closed, the signed minutes read-only, with whether the chair's signature
 * holds on this device.
 */
export function MinutesSection(props: { page: MeetingPage; minutes: MinutesState; onChanged: () => void }) {
  const { page, minutes } = props;
  const v = page.view;
  const me = app.user.id;
  const writer = v.chairId === me || v.minuteTakerId === me;
  return (
    <section aria-labelledby="minutes-heading" class="meeting-section">
      <h2 id="minutes-heading">Minutes</h2>
      {minutes.kind === 'signed' || minutes.kind === 'unverified' ? (
        <SignedMinutes page={page} minutes={minutes} />
      ) : minutes.kind === 'unreadable' ? (
        <p class="warning-text" role="alert">
          Version {minutes.version} of the minutes does not open on this device. It may have been written before you
          joined the conversation: ask the chair to share the case record with you.
        </p>
      ) : v.status === 'scheduled' ? (
        <p>Minutes are written once the chair starts the meeting.</p>
      ) : writer ? (
        <MinutesEditor page={page} minutes={minutes} onChanged={props.onChanged} />
      ) : minutes.kind === 'draft' ? (
        <>
          <p>
            Draft, version {minutes.version}, saved by {page.people.name(minutes.authorId)} on{' '}
            {formatDateTime(minutes.savedAt)}. Not signed until the chair closes the meeting.
          </p>
          <MinutesText page={page} doc={minutes.document} />
        </>
      ) : (
        <p>No minutes have been written yet.</p>
      )}
      {v.minutes && <EarlierVersions page={page} />}
    </section>
  );
}

/** A canonical form of a document, to tell whether the editor holds changes not saved yet. */
const sameDoc = (a: MinutesDocument, b: MinutesDocument, agenda: AgendaItem[]) =>
  JSON.stringify(tidy(a, agenda)) === JSON.stringify(tidy(b, agenda));

/**
 * Writing the minutes: a box per agenda item (and the family's voice), saved as a new version on top of
 * the one this editor started from. When someone else saved in between, the save is refused and nothing
 * is overwritten: the editor says so and offers to load their version, keeping this text to copy from.
 */
function MinutesEditor(props: {
  page: MeetingPage;
  minutes: Extract<MinutesState, { kind: 'none' | 'draft' }>;
  onChanged: () => void;
}) {
  const { page, minutes } = props;
  const agenda = page.agenda;
  const latest = minutes.kind === 'draft' ? minutes : null;
  const latestVersion = latest?.version ?? 0;
  const empty: MinutesDocument = { sections: [] };
  const [base, setBase] = useState(latestVersion);
  const [saved, setSaved] = useState<MinutesDocument>(latest?.document ?? empty);
  const [draft, setDraft] = useState<MinutesDocument>(latest?.document ?? empty);
  const [kept, setKept] = useState<MinutesDocument | null>(null);
  const [announce, setAnnounce] = useState<string | null>(null);
  const dirty = !sameDoc(draft, saved, agenda);

  const save = useAction(async () => {
    const doc = tidy(draft, agenda);
    try {
      const version = await app.secure.saveMinutes(page.view.id, doc, base);
      setBase(version);
      setSaved(doc);
      setAnnounce(`Minutes saved as version ${version}.`);
    } catch (err) {
      if (err instanceof StrongroomApiError && err.code === 'minutes_conflict') {
        // Someone saved meanwhile: fetch their version so the choice below can be made.
        props.onChanged();
        throw new Error(
          'Someone else saved the minutes while you were writing, so your changes were not saved. Nothing was overwritten.',
          { cause: err },
        );
      }
      throw err;
    }
  });

  // A newer version arrived (someone else saved): taken at once if nothing here is unsaved.
  useEffect(() => {
    if (save.busy || latestVersion <= base || !latest) return;
    if (!dirty) {
      setBase(latest.version);
      setSaved(latest.document);
      setDraft(latest.document);
    }
  }, [latestVersion, base, dirty, save.busy]);

  const stale = !save.busy && latest !== null && latestVersion > base && dirty;
  const loadNewer = () => {
    if (!latest) return;
    setKept(draft);
    setBase(latest.version);
    setSaved(latest.document);
    setDraft(latest.document);
    save.setError(null);
    setAnnounce(`Version ${latest.version} loaded. Your unsaved text is kept below the editor to copy from.`);
  };

  const setNotes = (item: string, notes: string) =>
    setDraft((d) => ({
      ...d,
      sections: d.sections.some((s) => s.item === item)
        ? d.sections.map((s) => (s.item === item ? { item, notes } : s))
        : [...d.sections, { item, notes }],
    }));
  const items = minuteItems(agenda);
  const extra = draft.sections.filter((s) => !items.some((a) => a.id === s.item));

  return (
    <>
      <p>
        {latest
          ? `Version ${latest.version}, saved by ${page.people.name(latest.authorId)} on ${formatDateTime(latest.savedAt)}.`
          : 'Nothing saved yet.'}{' '}
        Each save makes a new version; earlier versions are kept.
      </p>
      {stale && (
        <div class="minutes-warning" role="alert">
          <h3>The minutes changed while you were writing</h3>
          <p>
            {page.people.name(latest.authorId)} saved version {latest.version} on {formatDateTime(latest.savedAt)}. Your
            changes are not saved, and saving them now would be refused so that nothing is overwritten.
          </p>
          <p>Load their version, then add your changes to it. Your text stays on this page to copy from.</p>
          <Button onClick={loadNewer}>Load version {latest.version}</Button>
        </div>
      )}
      <ErrorSummary error={stale ? null : save.error} />
      <Status>{announce}</Status>
      <form
        class="minutes-editor"
        onSubmit={(e) => {
          e.preventDefault();
          setAnnounce(null);
          void save.run();
        }}
      >
        {items.map((a, i) => (
          <TextArea
            key={a.id}
            label={`${agenda.length ? `${i + 1}. ` : ''}${a.title}`}
            hint={i === 0 ? 'Notes for this agenda item. Encrypted on this device before they are saved.' : undefined}
            rows={5}
            value={notesOf(draft, a.id)}
            onInput={(text) => setNotes(a.id, text)}
          />
        ))}
        {extra.map((s) => (
          <TextArea
            key={s.item}
            label={`${agendaTitle(agenda, s.item)} (not on the agenda)`}
            rows={4}
            value={s.notes}
            onInput={(text) => setNotes(s.item, text)}
          />
        ))}
        {hasFamilyVoice(page, draft) && (
          <TextArea
            label="The family’s voice"
            hint="The family’s own words about their needs, what is working and what they want to change."
            rows={5}
            value={draft.familyVoice ?? ''}
            onInput={(text) => setDraft((d) => ({ ...d, familyVoice: text }))}
          />
        )}
        <p class="hint" aria-live="polite">
          {dirty ? 'You have changes that are not saved.' : 'All changes saved.'}
        </p>
        <Button type="submit" busy={save.busy} disabled={!dirty || stale}>
          Save minutes
        </Button>
      </form>
      {kept && (
        <div class="kept-draft">
          <h3>Your unsaved text</h3>
          <p class="hint">What you had written before loading the newer version. Copy what you need into the boxes.</p>
          <MinutesText page={page} doc={tidy(kept, agenda)} />
          <Button variant="link" onClick={() => setKept(null)}>
            I have copied what I need: remove this
          </Button>
        </div>
      )}
      {/* Printing shows the minutes as a document, not as form boxes. */}
      <MinutesText page={page} doc={tidy(draft, agenda)} className="print-only" />
      <CloseMeeting page={page} base={base} dirty={dirty} onChanged={props.onChanged} />
    </>
  );
}

/** Closing and signing, by the chair: a confirmation step, then this device signs the version shown. */
function CloseMeeting(props: { page: MeetingPage; base: number; dirty: boolean; onChanged: () => void }) {
  const { page, base, dirty } = props;
  const close = async () => {
    // Sign only what the chair has in front of them: a version saved since is read first.
    const now = await app.secure.client.meeting(page.view.id);
    if ((now.minutes?.version ?? 0) !== base) {
      props.onChanged();
      throw new Error(
        `Someone saved a newer version of the minutes (version ${now.minutes?.version ?? 0}) since you loaded them. Read it, then close the meeting.`,
      );
    }
    await app.secure.closeMeeting(page.view.id);
    app.notify('The meeting is closed and its minutes are signed.');
  };
  if (page.view.chairId !== app.user.id) return null;
  return (
    <section aria-labelledby="close-heading" class="meeting-section no-print">
      <h2 id="close-heading">Close the meeting and sign the minutes</h2>
      <p>
        Closing locks the minutes. This browser signs the latest version with your key, so everyone can check that the
        minutes are exactly what you approved. Corrections after that are added as signed amendments.
      </p>
      {base === 0 ? (
        <p>Save the minutes before closing the meeting.</p>
      ) : dirty ? (
        <p>You have changes that are not saved: save the minutes first, so that what you sign is what you see.</p>
      ) : (
        <ConfirmButton
          variant="warning"
          label="Close the meeting and sign the minutes"
          question={`Close the meeting and sign version ${base} of the minutes, as shown above? After this nobody can change them, you included.`}
          confirmLabel="Yes, close and sign"
          onConfirm={close}
          onDone={props.onChanged}
        />
      )}
    </section>
  );
}

/** Closed minutes, read-only: who signed, whether the signature holds here, then the text and amendments. */
function SignedMinutes({
  page,
  minutes,
}: {
  page: MeetingPage;
  minutes: Extract<MinutesState, { kind: 'signed' | 'unverified' }>;
}) {
  const v = page.view;
  const chair = page.people.withAgency(v.chairId);
  const closed = v.closedAt ? formatDateTime(v.closedAt) : 'when the meeting closed';
  return (
    <>
      <div
        class={minutes.kind === 'signed' ? 'signature-box' : 'minutes-warning'}
        role={minutes.kind === 'signed' ? undefined : 'alert'}
      >
        <h3>Signature</h3>
        {minutes.kind === 'signed' ? (
          <>
            <p>
              Final minutes, version {minutes.verified.version}, signed by {chair} on {closed}.
            </p>
            <p>
              <strong>Signature checked on this device:</strong> these minutes are exactly what the chair signed, and
              were signed by one of their approved devices.
            </p>
          </>
        ) : (
          <>
            <p>
              <strong>Warning: the signature on these minutes does not check out.</strong> {minutes.warning}
            </p>
            <p>
              Version {minutes.version} was recorded as signed by {chair} on {closed}, but this device cannot confirm
              it. Do not rely on this copy: tell the chair and your data-protection lead.
            </p>
          </>
        )}
      </div>
      {minutes.kind === 'unverified' && <p class="hint">What follows could not be checked.</p>}
      <MinutesText page={page} doc={minutes.document} />
    </>
  );
}

/** Amendments to closed minutes: listed for everyone, added by the chair or minute-taker. */
export function Amendments(props: { page: MeetingPage; minutes: MinutesState; onChanged: () => void }) {
  const { page, minutes } = props;
  const v = page.view;
  const [text, setText] = useState('');
  const [reason, setReason] = useState('');
  const [announce, setAnnounce] = useState<string | null>(null);
  const amend = useAction(async () => {
    if (!text.trim() || !reason.trim()) throw new Error('Write the correction and the reason for it.');
    const m = await app.secure.amendMinutes(v.id, { text: text.trim(), reason: reason.trim() });
    setText('');
    setReason('');
    setAnnounce(`Amendment ${m.amendments.length} added and signed.`);
    props.onChanged();
  });
  if (v.status !== 'closed') return null;
  const list: ShownAmendment[] = minutes.kind === 'signed' || minutes.kind === 'unverified' ? minutes.amendments : [];
  const canAmend = v.chairId === app.user.id || v.minuteTakerId === app.user.id;
  return (
    <section aria-labelledby="amendments-heading" class="meeting-section">
      <h2 id="amendments-heading">Amendments</h2>
      {list.length === 0 ? (
        <p>No amendments.</p>
      ) : (
        <ol class="amendments">
          {list.map((a) => (
            <li key={a.number}>
              <h3>
                Amendment {a.number}, by {page.people.withAgency(a.authorId)} on {formatDateTime(a.createdAt)}
              </h3>
              <p class="prose">{a.text ?? 'This amendment does not open on this device.'}</p>
              {a.reason && (
                <p>
                  <strong>Reason:</strong> {a.reason}
                </p>
              )}
              {minutes.kind === 'signed' && <p class="hint">Signature checked on this device.</p>}
            </li>
          ))}
        </ol>
      )}
      <Status>{announce}</Status>
      {canAmend && (
        <form
          class="no-print"
          onSubmit={(e) => {
            e.preventDefault();
            setAnnounce(null);
            void amend.run();
          }}
        >
          <h3>Add an amendment</h3>
          <p class="hint">
            The signed minutes stay as they are. The amendment is encrypted and signed by this browser, and shown with
            them.
          </p>
          <ErrorSummary error={amend.error} />
          <TextArea label="Correction" rows={4} value={text} onInput={setText} required />
          <TextArea label="Why it is needed" rows={2} value={reason} onInput={setReason} required />
          <Button type="submit" busy={amend.busy}>
            Add signed amendment
          </Button>
        </form>
      )}
    </section>
  );
}

/** Earlier versions of the minutes, each opened here on request, read-only. */
function EarlierVersions({ page }: { page: MeetingPage }) {
  const [versions, setVersions] = useState<MinutesVersionView[] | null>(null);
  const [shown, setShown] = useState<{ version: number; doc: MinutesDocument | null } | null>(null);
  const load = useAction(async () => setVersions(await app.secure.client.minutesVersions(page.view.id)));
  const open = useAction(async (v: MinutesVersionView) => {
    try {
      const doc = await app.secure.openField(page.view.channelId, 'minutes', v, {
        recordId: page.view.id,
        version: v.version,
      });
      setShown({ version: v.version, doc: normaliseMinutes(doc) });
    } catch (err) {
      if (isServerFailure(err)) throw err;
      setShown({ version: v.version, doc: null });
    }
  });
  const latest = page.view.minutes?.version ?? 0;
  useEffect(() => {
    if (versions) void load.run();
  }, [latest]);
  const sorted = useMemo(() => [...(versions ?? [])].sort((a, b) => b.version - a.version), [versions]);
  return (
    <details
      class="versions no-print"
      onToggle={(e) => {
        if (e.currentTarget.open && !versions) void load.run();
      }}
    >
      <summary>All versions of the minutes ({latest})</summary>
      <ErrorSummary error={load.error ?? open.error} />
      {versions === null ? (
        <p role="status">{load.busy ? 'Loading versions…' : ''}</p>
      ) : (
        <ul class="version-list">
          {sorted.map((v) => (
            <li key={v.version}>
              Version {v.version}, saved by {page.people.name(v.authorId)} on {formatDateTime(v.savedAt)}
              {page.view.final?.version === v.version && ' (the signed version)'}{' '}
              <Button variant="link" onClick={() => void open.run(v)}>
                Show<span class="visually-hidden"> version {v.version}</span>
              </Button>
            </li>
          ))}
        </ul>
      )}
      {shown && (
        <div class="version-shown" aria-live="polite">
          <h3>Version {shown.version}</h3>
          {shown.doc ? (
            <MinutesText page={page} doc={shown.doc} />
          ) : (
            <p class="warning-text">This version does not open on this device.</p>
          )}
          <Button variant="link" onClick={() => setShown(null)}>
            Hide version {shown.version}
          </Button>
        </div>
      )}
    </details>
  );
}
