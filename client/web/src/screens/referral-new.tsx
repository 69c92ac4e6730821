import { useState } from 'preact/hooks';
import {
  FAMILY_CONSENTS,
  REFERRAL_SUBJECT_ROLES,
  REFERRAL_URGENCIES,
  type FamilyConsent,
  type ReferralSubjectRole,
  type ReferralUrgency,
} from '../../../../contracts/referrals.js';
import type { ReferralDocument } from '../../../../contracts/sealed.js';
import { submitReferral, type ReferralReceipt, type ReferralSettingsView } from '../../../sdk/browser.js';
import { Link } from '../router.js';
import { app } from '../state/app.js';
import {
  categoryLabel,
  FAMILY_CONSENT_LABELS,
  hoursText,
  screeningTimes,
  SUBJECT_ROLE_LABELS,
  URGENCY_LABELS,
  URGENCY_RAG,
} from '../state/referral-words.js';
import { referralSettings } from '../state/referrals.js';
import { Checkboxes, Radios, Select } from '../ui/choice.js';
import { Button, ErrorSummary, Field, formatDateTime, PageTitle, TextArea, useAction } from '../ui/form.js';
import { useLoad } from '../ui/status.js';
import { today } from '../ui/words.js';
import { FilePicker, useChosenFiles } from '../ui/file-picker.js';

/** One person the concern is about, as the form holds them. */
interface SubjectRow {
  key: number;
  role: ReferralSubjectRole | '';
  name: string;
  dateOfBirth: string;
}

let subjectKey = 0;
const newSubject = (role: ReferralSubjectRole | '' = ''): SubjectRow => ({
  key: ++subjectKey,
  role,
  name: '',
  dateOfBirth: '',
});

/** Any practitioner (and the hub's own staff) sends a concern to the MASH hub; the reference comes at once. */
export function MakeReferral(_: { params: Record<string, string> }) {
  const loaded = useLoad(referralSettings);
  const [sent, setSent] = useState<ReferralReceipt | null>(null);
  const s = loaded.data;
  if (sent && s) return <Acknowledgement receipt={sent} settings={s} onAnother={() => setSent(null)} />;
  return (
    <main id="main" class="narrow">
      <PageTitle>Make a referral</PageTitle>
      <ErrorSummary error={loaded.error} />
      {!s ? (
        !loaded.error && <p role="status">Loading the referral form…</p>
      ) : !s.hubAgencyId ? (
        <p>
          Referrals cannot be made yet: no agency is set up as the MASH hub. Your agency’s administrator can tell you
          who to contact instead.
        </p>
      ) : (
        <ReferralForm settings={s} onSent={setSent} />
      )}
    </main>
  );
}

function ReferralForm(props: { settings: ReferralSettingsView; onSent: (receipt: ReferralReceipt) => void }) {
  const { settings } = props;
  // Files are encrypted in this page with their own keys and uploaded into the referral's conversation
  // before the referral itself is sent; only the hub (and partners it shares with) can open them.
  const chosen = useChosenFiles();
  const [categories, setCategories] = useState<string[]>([]);
  const [urgency, setUrgency] = useState<ReferralUrgency | ''>('');
  const [consent, setConsent] = useState<FamilyConsent | ''>('');
  const [consentNote, setConsentNote] = useState('');
  const [subjects, setSubjects] = useState<SubjectRow[]>(() => [newSubject('child')]);
  const [concern, setConcern] = useState('');
  const [when, setWhen] = useState('');
  const [evidence, setEvidence] = useState('');
  const hours = settings.deadlineHours;

  const send = useAction(async () => {
    if (!categories.length) throw new Error('Choose at least one kind of concern.');
    if (!urgency) throw new Error('Choose how urgently the hub should look at it.');
    if (!consent) throw new Error('Say whether the family knows about this referral and agrees to it.');
    if (consent !== 'given' && !consentNote.trim()) {
      throw new Error('Say why the family has not agreed, or why they were not told.');
    }
    subjects.forEach((p, i) => {
      if (!p.role) throw new Error(`Say whether person ${i + 1} is a child or an adult.`);
      if (!p.name.trim()) throw new Error(`Give the name of person ${i + 1}.`);
      if (p.dateOfBirth && p.dateOfBirth > today()) {
        throw new Error(`The date of birth of person ${i + 1} is in the future.`);
      }
    });
    if (!subjects.some((p) => p.role === 'child')) throw new Error('Name at least one child the concern is about.');
    if (!concern.trim()) throw new Error('Say what happened, or what worries you.');
    const content: ReferralDocument = {
      concern: concern.trim(),
      ...(when.trim() ? { when: when.trim() } : {}),
      ...(evidence.trim() ? { evidence: evidence.trim() } : {}),
      ...(consent !== 'given' ? { consentNote: consentNote.trim() } : {}),
    };
    const { receipt } = await submitReferral(app.secure, {
      categories,
      urgency,
      familyConsent: consent,
      subjects: subjects.map((p) => ({
        role: p.role as ReferralSubjectRole,
        name: p.name.trim(),
        ...(p.dateOfBirth ? { dateOfBirth: p.dateOfBirth } : {}),
      })),
      content,
      files: chosen.toSend(),
      onProgress: chosen.onProgress,
    });
    chosen.clear();
    app.inbox.refreshSoon();
    props.onSent(receipt);
  });

  const change = (key: number, patch: Partial<SubjectRow>) =>
    setSubjects((list) => list.map((p) => (p.key === key ? { ...p, ...patch } : p)));

  return (
    <form
      aria-label="Make a referral"
      onSubmit={(e) => {
        e.preventDefault();
        void send.run();
      }}
    >
      <p>
        A referral goes to {settings.hubAgencyName ?? 'the MASH hub'}, the front door for new safeguarding concerns.
        What you write is encrypted on this device: only the hub’s staff, and the partners they share it with, can read
        it. You get a reference number at once.
      </p>
      <p class="warning-text" role="note">
        If a child is in immediate danger, call 999 first.
      </p>
      <ErrorSummary error={send.error} />

      <Checkboxes
        legend="What is the concern about?"
        hint="Choose all that apply."
        values={categories}
        options={settings.categories.map((c) => ({ value: c, label: categoryLabel(c) }))}
        onChange={setCategories}
      />

      <Radios
        legend="How urgently should the hub look at it?"
        hint="The hub rates every referral itself; until then, this sets when it must be screened."
        name="urgency"
        value={urgency}
        options={REFERRAL_URGENCIES.map((u) => ({
          value: u,
          label: URGENCY_LABELS[u],
          hint: `Screened within ${hoursText(hours[URGENCY_RAG[u]])} of the hub receiving it.`,
        }))}
        onChange={setUrgency}
      />

      <Radios
        legend="Does the family know about this referral, and agree to it?"
        name="consent"
        value={consent}
        options={FAMILY_CONSENTS.map((c) => ({ value: c, label: FAMILY_CONSENT_LABELS[c] }))}
        onChange={setConsent}
      />
      {consent && consent !== 'given' && (
        <TextArea
          label={consent === 'refused' ? 'Why do they not agree?' : 'Why were they not told or asked?'}
          hint="For example: telling the family could put the child at greater risk. Without the family’s agreement the hub shares the referral only where the law allows."
          rows={3}
          value={consentNote}
          onInput={setConsentNote}
        />
      )}

      <fieldset class="subjects">
        <legend>Who is the concern about?</legend>
        <p class="hint">The children, and any adults involved. At least one child.</p>
        {subjects.map((p, i) => (
          <fieldset key={p.key} class="subject">
            <legend>Person {i + 1}</legend>
            <Select
              label="Child or adult"
              value={p.role}
              placeholder="Choose"
              options={REFERRAL_SUBJECT_ROLES.map((r) => ({ value: r, label: SUBJECT_ROLE_LABELS[r] }))}
              onChange={(role) => change(p.key, { role })}
            />
            <Field label="Full name" autoComplete="off" value={p.name} onInput={(name) => change(p.key, { name })} />
            <Field
              label="Date of birth (if known)"
              type="date"
              max={today()}
              value={p.dateOfBirth}
              onInput={(dateOfBirth) => change(p.key, { dateOfBirth })}
            />
            {subjects.length > 1 && (
              <Button variant="link" onClick={() => setSubjects((list) => list.filter((x) => x.key !== p.key))}>
                Remove person {i + 1}
              </Button>
            )}
          </fieldset>
        ))}
        <Button variant="secondary" onClick={() => setSubjects((list) => [...list, newSubject()])}>
          Add another person
        </Button>
      </fieldset>

      <TextArea
        label="What happened, or what worries you?"
        hint="What you saw or heard, and what the child said, in their words where you can."
        rows={6}
        value={concern}
        onInput={setConcern}
      />
      <Field
        label="When did it happen? (optional)"
        hint="A date, or “since September”."
        value={when}
        onInput={setWhen}
      />
      <TextArea
        label="Evidence (optional)"
        hint="What you hold or who else saw it: records, photographs, other staff."
        rows={3}
        value={evidence}
        onInput={setEvidence}
      />

      <FilePicker id="referral-files" hint="Referral forms, reports or photographs." chosen={chosen} busy={send.busy} />

      <Button type="submit" busy={send.busy}>
        Send the referral
      </Button>
    </form>
  );
}

/** What the referrer sees at once: the reference, when it was received, and what happens next. */
function Acknowledgement({
  receipt,
  settings,
  onAnother,
}: {
  receipt: ReferralReceipt;
  settings: ReferralSettingsView;
  onAnother: () => void;
}) {
  const rag = receipt.urgency ? URGENCY_RAG[receipt.urgency] : null;
  const due =
    rag && receipt.receivedAt
      ? new Date(Date.parse(receipt.receivedAt) + settings.deadlineHours[rag] * 3_600_000).toISOString()
      : null;
  const hub = settings.hubAgencyName ?? 'The MASH hub';
  return (
    <main id="main" class="narrow">
      <PageTitle>Referral sent</PageTitle>
      <div class="result-ok">
        <p class="reference-line">
          Your reference number is <strong class="reference">{receipt.ref}</strong>
        </p>
        <p>
          {hub} received it
          {receipt.acknowledgedAt ? ` and acknowledged it on ${formatDateTime(receipt.acknowledgedAt)}` : ''}. Quote the
          reference number if you contact the hub about it.
        </p>
      </div>
      <h2>What happens next</h2>
      <p>
        A hub worker takes it on and rates it red, amber or green by how urgently it needs action. The hub screens
        referrals rated {screeningTimes(settings.deadlineHours)}.
        {receipt.urgency && due && (
          <>
            {' '}
            You asked for {URGENCY_LABELS[receipt.urgency].toLowerCase()} attention, so it will be screened by{' '}
            {formatDateTime(due)}.
          </>
        )}
      </p>
      <p>
        Once the hub has taken it on, you will see its rating and the hub’s decision under{' '}
        <Link href="/referrals">My referrals</Link>, but not what the hub or partner agencies write about it.
      </p>
      <p>
        <Link href={`/referrals/${receipt.ref}`}>See the referral</Link>
      </p>
      <Button variant="secondary" onClick={onAnother}>
        Make another referral
      </Button>
    </main>
  );
}
