import { useState } from 'preact/hooks';
import {
  newObjectiveId,
  type CheckedPlan,
  type FamilyPlanView,
  type PlanDocument,
  type PlanReviewOutcome,
  type ProgressKind,
  type TextDocument,
} from '../../../sdk/browser.js';
import { app } from '../state/app.js';
import { inSentence, type FamilyRecord } from '../state/family.js';
import { Checkboxes, Radios, Select } from '../ui/choice.js';
import { Button, ErrorSummary, Field, formatDateTime, TextArea, useAction } from '../ui/form.js';
import { useLoad } from '../ui/status.js';
import { formatDay, MEMBER_ROLE_LABELS } from '../ui/words.js';
import { Td } from '../ui/table.js';

type Who = (userId: string | null) => string;
type Objective = PlanDocument['objectives'][number];

/** The plan as this page shows it: the server's view, the latest version opened and checked here, progress opened. */
interface ShownPlan {
  view: FamilyPlanView;
  checked: CheckedPlan | null;
  /** Set when the latest version could not be opened at all. */
  failed: string | null;
  progress: (FamilyPlanView['progress'][number] & { text: string })[];
  /** Reviews, each note opened here ('' without one). */
  reviews: (FamilyPlanView['reviews'][number] & { text: string })[];
}

/** What a review found, in words. */
const OUTCOME_LABELS: Record<PlanReviewOutcome, string> = {
  met: 'Outcomes met',
  partly_met: 'Outcomes partly met',
  not_met: 'Outcomes not met',
};

/** A sealed text opened here, or why not. */
async function openText(
  family: { channelId: string },
  purpose: 'plan-progress' | 'plan-review',
  field: { epoch: number; ciphertext: string },
  recordId: string,
): Promise<string> {
  try {
    const doc: Partial<TextDocument> | null = await app.secure.openField(family.channelId, purpose, field, {
      recordId,
    });
    return typeof doc?.text === 'string' ? doc.text : '(written in a form this page cannot show)';
  } catch {
    return '(cannot be read on this device)';
  }
}

async function loadPlan(family: { id: string; channelId: string }): Promise<ShownPlan> {
  const s = app.secure;
  const view = await s.client.familyPlan(family.id);
  let checked: CheckedPlan | null = null;
  let failed: string | null = null;
  if (view.plan) {
    try {
      checked = await s.readPlan(family, view.plan);
    } catch (err) {
      failed = `The plan could not be opened on this device: ${app.failed(err)}`;
    }
  }
  const progress = [];
  for (const p of view.progress) progress.push({ ...p, text: await openText(family, 'plan-progress', p.report, p.id) });
  const reviews = [];
  for (const r of view.reviews) {
    reviews.push({ ...r, text: r.note ? await openText(family, 'plan-review', r.note, r.id) : '' });
  }
  return { view, checked, failed, progress, reviews };
}

/**
 * The whole-family plan: objectives with their outcomes and measures, the family's own voice, the
 * review date, whom it covers, and progress on each objective. Each version is signed by the device
 * that saved it; when that check fails the page says so next to the plan. The lead worker (or the
 * chair) edits it; any professional in the family's conversation reports progress.
 */
export function FamilyPlan({
  record,
  who,
  canChange,
  onStatus,
}: {
  record: FamilyRecord;
  who: Who;
  canChange: boolean;
  onStatus: (said: string) => void;
}) {
  const { family, channel } = record;
  const plan = useLoad(() => loadPlan(family), [family.id]);
  const p = plan.data;
  const memberName = new Map(record.members.map((m) => [m.id, m.name]));
  const me = channel.members.find((m) => m.userId === app.user.id);
  const canReport = !!me && me.role !== 'observer';
  if (!p) {
    return (
      <>
        <ErrorSummary error={plan.error} />
        {!plan.error && <p role="status">Opening the plan…</p>}
      </>
    );
  }
  const version = p.view.plan;
  const doc = p.checked?.document;
  const objectives = doc?.objectives ?? [];
  const numberOf = (id: string) => objectives.findIndex((o) => o.id === id) + 1;
  const saved = async (said: string) => {
    onStatus(said);
    await plan.reload();
  };
  return (
    <>
      {!version && <p>There is no plan yet.</p>}
      {p.failed && (
        <p class="warning-text" role="alert">
          Warning: {p.failed}
        </p>
      )}
      {version && p.checked && (
        <>
          {p.checked.warning ? (
            <div class="warning-block" role="alert">
              <p>
                <strong>Warning: this plan’s signature does not check out.</strong>
              </p>
              <p>{p.checked.warning}</p>
              <p>Do not rely on this text until the person who saved it has confirmed it.</p>
            </div>
          ) : (
            <p class="ok-text">
              {version.authorId === app.user.id
                ? 'Checked: this is the text you saved, signed by your device.'
                : `Checked: this is the text ${who(version.authorId)} saved, signed by their device.`}
            </p>
          )}
          <dl class="summary">
            <div>
              <dt>Version</dt>
              <dd>
                {version.version}, saved by {inSentence(who(version.authorId))} on {formatDateTime(version.savedAt)}
              </dd>
            </div>
            <div>
              <dt>Review by</dt>
              <dd>
                {formatDay(version.reviewOn)}
                {version.reviewOverdue && <strong class="overdue"> (overdue)</strong>}
              </dd>
            </div>
            <div>
              <dt>Covers</dt>
              <dd>{version.coveredMemberIds.map((id) => memberName.get(id) ?? 'A former member').join(', ')}</dd>
            </div>
          </dl>
          {p.view.uncoveredMembers.length > 0 && (
            <p class="warning-text">
              Not covered by the plan yet:{' '}
              {p.view.uncoveredMembers
                .map(
                  (u) => `${memberName.get(u.memberId) ?? u.memberRef} (${MEMBER_ROLE_LABELS[u.role].toLowerCase()})`,
                )
                .join(', ')}
              .
            </p>
          )}
          <h3>Objectives</h3>
          {objectives.length === 0 ? (
            <p>The plan has no objectives yet.</p>
          ) : (
            <table class="table">
              <caption class="visually-hidden">The plan’s objectives</caption>
              <thead>
                <tr>
                  <th scope="col">Objective</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Measure</th>
                  <th scope="col">Progress reports</th>
                </tr>
              </thead>
              <tbody>
                {objectives.map((o, i) => (
                  <tr key={o.id}>
                    <th scope="row">
                      {i + 1}. {o.objective}
                    </th>
                    <Td label="Outcome">{o.outcome || 'None given'}</Td>
                    <Td label="Measure">{o.measure || 'None given'}</Td>
                    <Td label="Progress reports">{p.progress.filter((x) => x.objective === o.id).length}</Td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>The family’s voice</h3>
          <p class="prose">{doc?.familyVoice || 'Nothing recorded yet.'}</p>
          <h3>Progress</h3>
          {p.progress.length === 0 ? (
            <p>No progress reported yet.</p>
          ) : (
            <table class="table">
              <caption class="visually-hidden">Progress reports, oldest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Objective</th>
                  <th scope="col">From</th>
                  <th scope="col">Report</th>
                </tr>
              </thead>
              <tbody>
                {p.progress.map((x) => (
                  <tr key={x.id}>
                    <th scope="row">{formatDateTime(x.createdAt)}</th>
                    <Td label="Objective">
                      {numberOf(x.objective) > 0 ? `${numberOf(x.objective)}` : 'An objective since removed'}
                    </Td>
                    <Td label="From">
                      {x.kind === 'family'
                        ? `The family (recorded by ${inSentence(who(x.authorId))})`
                        : who(x.authorId)}
                    </Td>
                    <td class="prose">{x.text}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      {version && (
        <>
          <h3>Reviews</h3>
          {p.reviews.length === 0 ? (
            <p>No review recorded yet.</p>
          ) : (
            <table class="table">
              <caption class="visually-hidden">Reviews of the plan, oldest first</caption>
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col">Version</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">By</th>
                  <th scope="col">Note</th>
                </tr>
              </thead>
              <tbody>
                {p.reviews.map((r) => (
                  <tr key={r.id}>
                    <th scope="row">{formatDay(r.reviewedOn)}</th>
                    <Td label="Version">{r.planVersion}</Td>
                    <Td label="Outcome">{OUTCOME_LABELS[r.outcome]}</Td>
                    <Td label="By">{who(r.reviewedBy)}</Td>
                    <td class="prose">{r.text || 'None'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      {canChange && version && (
        <RecordReview family={family} version={version.version} onDone={(said) => void saved(said)} />
      )}
      {canReport && version && p.checked && objectives.length > 0 && (
        <ReportProgress
          family={family}
          objectives={objectives}
          asLead={family.leadWorker.userId === app.user.id}
          onDone={(said) => void saved(said)}
        />
      )}
      {canChange && !p.failed && (
        <EditPlan key={version?.version ?? 0} record={record} shown={p} onSaved={(said) => void saved(said)} />
      )}
    </>
  );
}

/** An objective being edited: blank fields are left out when saved. */
interface Draft {
  id: string;
  objective: string;
  outcome: string;
  measure: string;
}

const draftOf = (o: Objective): Draft => ({
  id: o.id,
  objective: o.objective,
  outcome: o.outcome ?? '',
  measure: o.measure ?? '',
});

/** Twelve weeks from today: a first plan's review date unless another is chosen. */
const inTwelveWeeks = () => new Date(Date.now() + 84 * 86_400_000).toISOString().slice(0, 10);

/** A new version of the plan, signed by this device over what is shown here, on top of the latest one. */
function EditPlan({
  record,
  shown,
  onSaved,
}: {
  record: FamilyRecord;
  shown: ShownPlan;
  onSaved: (said: string) => void;
}) {
  const { family } = record;
  const version = shown.view.plan;
  const base = shown.checked?.document;
  const [objectives, setObjectives] = useState<Draft[]>(() =>
    base?.objectives.length ? base.objectives.map(draftOf) : [draftOf({ id: newObjectiveId(), objective: '' })],
  );
  const [familyVoice, setFamilyVoice] = useState(base?.familyVoice ?? '');
  const [reviewOn, setReviewOn] = useState(version?.reviewOn ?? inTwelveWeeks());
  // Until changed here: whom the latest version covers, or for a first plan every member (as they are now).
  const [chosen, setCovered] = useState<string[] | null>(null);
  const covered = chosen ?? version?.coveredMemberIds ?? record.members.map((m) => m.id);
  const change = (i: number, field: keyof Omit<Draft, 'id'>, value: string) =>
    setObjectives((list) => list.map((o, j) => (j === i ? { ...o, [field]: value } : o)));
  const save = useAction(async () => {
    const kept = objectives.filter((o) => o.objective.trim() || o.outcome.trim() || o.measure.trim());
    if (kept.some((o) => !o.objective.trim())) throw new Error('Every objective needs its text: say what it is.');
    if (covered.length === 0) throw new Error('Choose at least one family member the plan covers.');
    const document: PlanDocument = {
      objectives: kept.map((o) => ({
        id: o.id,
        objective: o.objective.trim(),
        ...(o.outcome.trim() ? { outcome: o.outcome.trim() } : {}),
        ...(o.measure.trim() ? { measure: o.measure.trim() } : {}),
      })),
      ...(familyVoice.trim() ? { familyVoice: familyVoice.trim() } : {}),
    };
    const result = await app.secure.savePlan(family, {
      baseVersion: version?.version ?? 0,
      document,
      reviewOn,
      coveredMemberIds: covered,
    });
    onSaved(`Saved the plan, version ${result.version}, signed by this device.`);
  });
  if (record.members.length === 0) {
    return <p>Add the family members first: a plan covers every relevant member of the family.</p>;
  }
  return (
    <details class="panel">
      <summary>{version ? 'Change the plan' : 'Write the plan'}</summary>
      <form
        aria-label={version ? 'Change the plan' : 'Write the plan'}
        onSubmit={(e) => {
          e.preventDefault();
          void save.run();
        }}
      >
        {shown.checked?.warning && (
          <p class="warning-text">
            The version you are changing did not check out ({shown.checked.warning}). Saving signs what you see here
            with your device: read it through first.
          </p>
        )}
        <p class="hint">The plan is encrypted on this device and signed by it, so readers can check it is yours.</p>
        <ErrorSummary error={save.error} />
        {objectives.map((o, i) => (
          <fieldset class="panel-inner" key={o.id}>
            <legend>Objective {i + 1}</legend>
            <TextArea
              label="What is the objective?"
              rows={2}
              value={o.objective}
              onInput={(v) => change(i, 'objective', v)}
            />
            <Field label="Outcome hoped for" value={o.outcome} onInput={(v) => change(i, 'outcome', v)} />
            <Field label="How it is measured" value={o.measure} onInput={(v) => change(i, 'measure', v)} />
            <Button variant="secondary" onClick={() => setObjectives((list) => list.filter((_, j) => j !== i))}>
              Remove objective {i + 1}
            </Button>
          </fieldset>
        ))}
        <p>
          <Button
            variant="secondary"
            onClick={() => setObjectives((list) => [...list, draftOf({ id: newObjectiveId(), objective: '' })])}
          >
            Add an objective
          </Button>
        </p>
        <TextArea
          label="The family’s voice"
          hint="What the family say about the plan and their own progress, in their words."
          value={familyVoice}
          onInput={setFamilyVoice}
        />
        <Field label="Review by" type="date" value={reviewOn} onInput={setReviewOn} required />
        <Checkboxes
          legend="Family members the plan covers"
          hint="Every relevant member of the family."
          values={covered}
          options={record.members.map((m) => ({
            value: m.id,
            label: `${m.name} (${MEMBER_ROLE_LABELS[m.role].toLowerCase()})`,
          }))}
          onChange={setCovered}
        />
        <Button type="submit" busy={save.busy}>
          Save the plan
        </Button>
      </form>
    </details>
  );
}

/** A progress report on one objective; the lead worker may record the family's own assessment instead. */
function ReportProgress({
  family,
  objectives,
  asLead,
  onDone,
}: {
  family: { id: string; channelId: string };
  objectives: Objective[];
  asLead: boolean;
  onDone: (said: string) => void;
}) {
  const [objective, setObjective] = useState('');
  const [kind, setKind] = useState<ProgressKind>('professional');
  const [report, setReport] = useState('');
  const send = useAction(async () => {
    const o = objectives.find((x) => x.id === objective);
    if (!o) throw new Error('Choose the objective the report is about.');
    if (!report.trim()) throw new Error('Write the report.');
    const id = crypto.randomUUID();
    const s = app.secure;
    await s.sealedWrite(async () =>
      s.client.reportPlanProgress(family.id, {
        id,
        objective: o.id,
        kind,
        report: await s.sealField(family.channelId, 'plan-progress', { text: report.trim() }, { recordId: id }),
      }),
    );
    setReport('');
    setObjective('');
    onDone(`Progress on objective ${objectives.indexOf(o) + 1} recorded.`);
  });
  return (
    <details class="panel">
      <summary>Report progress</summary>
      <form
        aria-label="Report progress"
        onSubmit={(e) => {
          e.preventDefault();
          void send.run();
        }}
      >
        <ErrorSummary error={send.error} />
        <Select
          label="Objective"
          value={objective}
          placeholder="Choose an objective"
          options={objectives.map((o, i) => ({ value: o.id, label: `${i + 1}. ${o.objective}` }))}
          onChange={setObjective}
          required
        />
        {asLead && (
          <Radios
            legend="Whose view is this?"
            name="kind"
            value={kind}
            options={[
              { value: 'professional', label: 'Yours, as a professional' },
              { value: 'family', label: 'The family’s own assessment' },
            ]}
            onChange={setKind}
          />
        )}
        <TextArea label="Report" hint="Encrypted on this device." value={report} onInput={setReport} required />
        <Button type="submit" busy={send.busy}>
          Record progress
        </Button>
      </form>
    </details>
  );
}

/** A review of the current version of the plan (lead worker or chair): what it found, the day, and why (sealed). */
function RecordReview({
  family,
  version,
  onDone,
}: {
  family: { id: string; channelId: string };
  version: number;
  onDone: (said: string) => void;
}) {
  const today = new Date().toISOString().slice(0, 10);
  const [outcome, setOutcome] = useState<PlanReviewOutcome | ''>('');
  const [reviewedOn, setReviewedOn] = useState(today);
  const [note, setNote] = useState('');
  const send = useAction(async () => {
    if (!outcome) throw new Error('Choose what the review found: were the plan’s outcomes met?');
    const id = crypto.randomUUID();
    const s = app.secure;
    const text = note.trim();
    await s.sealedWrite(async () =>
      s.client.recordPlanReview(family.id, {
        id,
        planVersion: version,
        outcome,
        reviewedOn,
        ...(text ? { note: await s.sealField(family.channelId, 'plan-review', { text }, { recordId: id }) } : {}),
      }),
    );
    setOutcome('');
    setNote('');
    onDone(`Review of version ${version} recorded: ${OUTCOME_LABELS[outcome].toLowerCase()}.`);
  });
  return (
    <details class="panel">
      <summary>Record a review</summary>
      <form
        aria-label="Record a review"
        onSubmit={(e) => {
          e.preventDefault();
          void send.run();
        }}
      >
        <p class="hint">
          A review of version {version} of the plan. What it found and the day are seen by the server, which counts them
          (never who the family is) in the programme report; the note is encrypted on this device.
        </p>
        <ErrorSummary error={send.error} />
        <Radios
          legend="Were the plan’s outcomes met?"
          name="outcome"
          value={outcome}
          options={[
            { value: 'met', label: 'Met' },
            { value: 'partly_met', label: 'Partly met' },
            { value: 'not_met', label: 'Not met' },
          ]}
          onChange={setOutcome}
        />
        <Field label="Day of the review" type="date" value={reviewedOn} onInput={setReviewedOn} max={today} required />
        <TextArea label="Note (optional)" hint="Why: encrypted on this device." value={note} onInput={setNote} />
        <Button type="submit" busy={send.busy}>
          Record the review
        </Button>
      </form>
    </details>
  );
}
