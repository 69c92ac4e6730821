import { useState } from 'preact/hooks';
import {
  RAG_RATINGS,
  REFERRAL_DECISIONS,
  type RagRating,
  type ReferralDecision,
} from '../../../../contracts/referrals.js';
import {
  decideReferral,
  rateReferral,
  shareReferral,
  type LawfulBasisKind,
  type ReferralView,
  type UserDirectoryEntry,
} from '../../../sdk/browser.js';
import { app } from '../state/app.js';
import { DECISION_LABELS, hoursText, RAG_LABELS } from '../state/referral-words.js';
import { referralSettings } from '../state/referrals.js';
import { Radios, Select } from '../ui/choice.js';
import { ConfirmButton } from '../ui/confirm.js';
import { FindPerson } from '../ui/find-person.js';
import { Button, ErrorSummary, formatDateTime, TextArea, useAction } from '../ui/form.js';
import { useLoad } from '../ui/status.js';
import { LAWFUL_BASIS_LABELS, optionsOf } from '../ui/words.js';

/**
 * What the hub's staff do on a referral's page: take it on, rate it, share it with a partner, decide and
 * close. Each reports what it did in a sentence (`onDone`), which the page announces and then reloads.
 */

type Done = (said: string) => Promise<void>;

/** Takes the referral on for screening (or over from a colleague). */
export function TakeOn({
  view,
  assignedName,
  onDone,
}: {
  view: ReferralView;
  assignedName: string | null;
  onDone: Done;
}) {
  const take = useAction(async () => {
    await app.secure.client.claimReferral(view.id);
    await onDone(`You have taken on ${view.ref} for screening.`);
  });
  return (
    <div class="action-block">
      <ErrorSummary error={take.error} />
      {assignedName ? (
        <p>{assignedName} has taken this referral on. You can take it over.</p>
      ) : (
        <p>
          Nobody has taken this referral on yet. Take it on to rate it, share it and decide on it. The person who made
          it then sees only its rating and the decision.
        </p>
      )}
      <Button busy={take.busy} onClick={() => void take.run()}>
        {assignedName ? 'Take it over' : 'Take it on'}
      </Button>
    </div>
  );
}

/** A red, amber or green rating with the reason; a new one is kept beside the others and moves the deadline. */
export function RateReferral({ view, onDone }: { view: ReferralView; onDone: Done }) {
  const settings = useLoad(referralSettings);
  const [rag, setRag] = useState<RagRating | ''>('');
  const [why, setWhy] = useState('');
  const rated = view.ratings.length > 0;
  const save = useAction(async () => {
    if (!rag) throw new Error('Choose red, amber or green.');
    if (!why.trim()) throw new Error('Say why you gave this rating.');
    await rateReferral(app.secure, view, rag, why.trim());
    setRag('');
    setWhy('');
    await onDone(`Rated ${RAG_LABELS[rag].toLowerCase()}.`);
  });
  const hours = settings.data?.deadlineHours;
  const due = (r: RagRating) =>
    hours && view.receivedAt
      ? `Screening due within ${hoursText(hours[r])} of receipt: by ${formatDateTime(
          new Date(Date.parse(view.receivedAt) + hours[r] * 3_600_000).toISOString(),
        )}.`
      : undefined;
  const title = rated ? 'Rate it again' : 'Rate it';
  return (
    <details class="panel">
      <summary>{title}</summary>
      <form
        aria-label={title}
        onSubmit={(e) => {
          e.preventDefault();
          void save.run();
        }}
      >
        {rated && <p class="hint">The new rating is kept beside the earlier ones, and sets when screening is due.</p>}
        <ErrorSummary error={save.error} />
        <Radios
          legend="Rating"
          name="rag"
          value={rag}
          options={RAG_RATINGS.map((r) => ({ value: r, label: RAG_LABELS[r], hint: due(r) }))}
          onChange={setRag}
        />
        <TextArea
          label="Why this rating?"
          hint="Encrypted on this device: the hub and the partners it shares the referral with can read it."
          rows={3}
          value={why}
          onInput={setWhy}
        />
        <Button type="submit" busy={save.busy}>
          Save the rating
        </Button>
      </form>
    </details>
  );
}

/**
 * Brings a partner practitioner into the referral: with the family's consent when the referrer recorded
 * it, otherwise on a lawful basis with a written reason. Their devices get the keys to read it.
 */
export function ShareReferral({ view, onDone }: { view: ReferralView; onDone: Done }) {
  const [person, setPerson] = useState<UserDirectoryEntry | null>(null);
  /** Counts the shares made here: the search starts afresh after each. */
  const [round, setRound] = useState(0);
  const consentGiven = view.familyConsent === 'given';
  const [basis, setBasis] = useState<'consent' | 'lawful_basis' | ''>(consentGiven ? '' : 'lawful_basis');
  const [lawfulBasis, setLawfulBasis] = useState<LawfulBasisKind | ''>('');
  const [why, setWhy] = useState('');
  const share = useAction(async () => {
    if (!person) throw new Error('Find and choose the practitioner to share the referral with.');
    if (!basis) throw new Error('Choose on what basis you share it.');
    if (basis === 'lawful_basis') {
      if (!lawfulBasis) throw new Error('Choose the lawful basis.');
      if (!why.trim()) throw new Error('Say why sharing without consent is necessary and proportionate.');
    }
    const { recordKeysShared } = await shareReferral(
      app.secure,
      view,
      person.id,
      basis === 'consent'
        ? { consent: true }
        : { lawfulBasis: lawfulBasis as LawfulBasisKind, justification: why.trim() },
    );
    const who = `${person.displayName} (${person.agencyName})`;
    setPerson(null);
    setRound((n) => n + 1);
    setLawfulBasis('');
    setWhy('');
    await onDone(
      recordKeysShared > 0
        ? `Shared with ${who}. They can now read the referral.`
        : `Shared with ${who}, who has no approved device yet, so cannot read it. Once they have one, choose “Give the keys again” beside their name.`,
    );
  });
  return (
    <details class="panel">
      <summary>Share with a partner</summary>
      <form
        aria-label="Share with a partner"
        onSubmit={(e) => {
          e.preventDefault();
          void share.run();
        }}
      >
        <p class="hint">
          The practitioner joins the referral’s conversation and can read the referral: who it is about, the concern,
          ratings and decisions. Each share is recorded with its basis.
        </p>
        <ErrorSummary error={share.error} />
        <FindPerson key={round} label="Partner practitioner" chosen={person} onChoose={setPerson} />
        {consentGiven ? (
          <Radios
            legend="On what basis?"
            name="basis"
            value={basis}
            options={[
              {
                value: 'consent',
                label: 'The family’s consent',
                hint: 'The family knows and agreed to it being shared.',
              },
              {
                value: 'lawful_basis',
                label: 'A lawful basis without consent',
                hint: 'When what is shared goes beyond what the family agreed to.',
              },
            ]}
            onChange={setBasis}
          />
        ) : (
          <p class="notice" role="note">
            {view.familyConsent === 'refused'
              ? 'The family knows about this referral but does not agree to it being shared'
              : 'The family has not been told about this referral or asked'}
            , so it can be shared only on a lawful basis, with a written reason why sharing without consent is necessary
            and proportionate.
          </p>
        )}
        {basis === 'lawful_basis' && (
          <>
            <Radios
              legend="Lawful basis"
              name="lawful-basis"
              value={lawfulBasis}
              options={optionsOf(LAWFUL_BASIS_LABELS)}
              onChange={setLawfulBasis}
            />
            <TextArea
              label="Why is sharing without consent necessary and proportionate?"
              hint="Encrypted on this device; recorded with the share."
              rows={3}
              value={why}
              onInput={setWhy}
            />
          </>
        )}
        <Button type="submit" busy={share.busy}>
          Share the referral
        </Button>
      </form>
    </details>
  );
}

/** Gives a partner's devices the keys to read the referral again (say, once their first device is approved). */
export function GiveKeys({
  view,
  userId,
  who,
  onDone,
}: {
  view: ReferralView;
  userId: string;
  who: string;
  onDone: Done;
}) {
  const give = useAction(async () => {
    const n = await app.secure.shareRecordKeys(view.channelId, userId);
    await onDone(
      n > 0
        ? `Gave ${who} the keys to read the referral.`
        : `Nothing to give: ${who} already has the keys, or has no approved device yet.`,
    );
  });
  return (
    <span class="give-keys">
      {' '}
      <Button variant="link" busy={give.busy} onClick={() => void give.run()}>
        Give the keys again <span class="visually-hidden">to {who}</span>
      </Button>
      {give.error && (
        <span class="error-text" role="alert">
          {give.error}
        </span>
      )}
    </span>
  );
}

const DECISION_HINTS: Record<ReferralDecision, string> = {
  no_further_action: 'The concern does not need action from the partnership.',
  early_help: 'Opens a family record with a lead worker, or links one already open.',
  social_care_assessment: 'Children’s social care assesses the family.',
  strategy_discussion: 'Partners meet to discuss a risk of significant harm.',
  signpost: 'The family is pointed to another service.',
};

/** The hub's decision and why; early help opens a family led by a chosen practitioner, or links one. */
export function DecideReferral({ view, onDone }: { view: ReferralView; onDone: Done }) {
  const families = useLoad(() => app.secure.client.families());
  const [decision, setDecision] = useState<ReferralDecision | ''>('');
  const [familyChoice, setFamilyChoice] = useState<'new' | 'existing' | ''>('');
  const [lead, setLead] = useState<UserDirectoryEntry | null>(null);
  const [familyId, setFamilyId] = useState('');
  const [why, setWhy] = useState('');
  const known = families.data ?? [];
  // With no family to link, early help can only open a new one: the choice is not asked.
  const canLink = known.length > 0;
  const choice = canLink ? familyChoice : 'new';
  const decide = useAction(async () => {
    if (!decision) throw new Error('Choose the decision.');
    let family: { familyId: string } | { leadWorkerId: string } | null = null;
    if (decision === 'early_help') {
      if (choice === 'new') {
        if (!lead) throw new Error('Find and choose the practitioner who will lead the family’s work.');
        family = { leadWorkerId: lead.id };
      } else if (choice === 'existing') {
        if (!familyId) throw new Error('Choose the family to link.');
        family = { familyId };
      } else throw new Error('Say whether early help opens a new family or links one already open.');
    }
    if (!why.trim()) throw new Error('Say why you made this decision.');
    const decided = await decideReferral(app.secure, view, decision, why.trim(), family);
    const event = decided.timeline.filter((e) => e.kind === 'decided').at(-1);
    const ref = typeof event?.details.familyRef === 'string' ? event.details.familyRef : null;
    await onDone(
      `Decided: ${DECISION_LABELS[decision].toLowerCase()}.` +
        (ref
          ? family && 'leadWorkerId' in family
            ? ` Family ${ref} opened, with ${lead?.displayName ?? 'the chosen practitioner'} as lead worker.`
            : ` Linked to family ${ref}.`
          : ''),
    );
  });
  if (!view.rag) {
    return <p>Rate the referral before deciding on it.</p>;
  }
  return (
    <details class="panel">
      <summary>Record the decision</summary>
      <form
        aria-label="Record the decision"
        onSubmit={(e) => {
          e.preventDefault();
          void decide.run();
        }}
      >
        <p class="hint">The person who made the referral is told the decision, not the reason for it.</p>
        <ErrorSummary error={decide.error} />
        <Radios
          legend="Decision"
          name="decision"
          value={decision}
          options={REFERRAL_DECISIONS.map((d) => ({ value: d, label: DECISION_LABELS[d], hint: DECISION_HINTS[d] }))}
          onChange={setDecision}
        />
        {decision === 'early_help' && (
          <div class="panel-inner">
            {canLink ? (
              <Radios
                legend="Early help for"
                name="family"
                value={familyChoice}
                options={[
                  { value: 'new', label: 'A new family, led by a practitioner you choose' },
                  { value: 'existing', label: 'A family already open that you work with' },
                ]}
                onChange={setFamilyChoice}
              />
            ) : (
              <p>Early help opens a new family, led by a practitioner you choose.</p>
            )}
            {choice === 'new' && (
              <FindPerson
                label="Lead worker"
                hint="A practitioner of any partner agency: search by name or agency, at least two letters."
                chosen={lead}
                onChoose={setLead}
                allow={(p) => p.role === 'practitioner'}
                allowHint="Only practitioners can lead a family’s work: nobody found is one."
              />
            )}
            {choice === 'existing' && (
              <Select
                label="Family"
                value={familyId}
                placeholder="Choose a family"
                options={known.map((f) => ({ value: f.id, label: f.ref }))}
                onChange={setFamilyId}
              />
            )}
          </div>
        )}
        <TextArea
          label="Why this decision?"
          hint="Encrypted on this device: the hub and the partners it shared the referral with can read it."
          rows={4}
          value={why}
          onInput={setWhy}
        />
        <Button type="submit" busy={decide.busy}>
          Record the decision
        </Button>
      </form>
    </details>
  );
}

/** Closes a decided referral, after a confirmation. */
export function CloseReferral({ view, onDone }: { view: ReferralView; onDone: Done }) {
  return (
    <ConfirmButton
      variant="secondary"
      label="Close the referral"
      question={`Close referral ${view.ref}? Nothing more can be recorded on it.`}
      confirmLabel="Yes, close it"
      onConfirm={() => app.secure.client.closeReferral(view.id)}
      onDone={() => void onDone(`Referral ${view.ref} is closed.`)}
    />
  );
}
