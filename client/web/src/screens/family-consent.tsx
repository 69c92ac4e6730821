import { useState } from 'preact/hooks';
import type {
  ConsentGiver,
  ConsentInput,
  ConsentKind,
  ConsentMethod,
  ConsentRegisterView,
  ConsentStatus,
  LawfulBasisKind,
  TextDocument,
} from '../../../sdk/browser.js';
import { app } from '../state/app.js';
import { agencyNamesOf, inSentence, type FamilyRecord, type ShownMember } from '../state/family.js';
import { Checkboxes, Radios, Select } from '../ui/choice.js';
import { Button, ErrorSummary, Field, formatDateTime, TextArea, useAction } from '../ui/form.js';
import { useLoad } from '../ui/status.js';
import { Td } from '../ui/table.js';
import {
  CONSENT_GIVER_LABELS,
  CONSENT_KIND_LABELS,
  CONSENT_METHOD_LABELS,
  CONSENT_STATUS_LABELS,
  count,
  formatDay,
  LAWFUL_BASIS_LABELS,
  MEMBER_ROLE_LABELS,
  optionsOf,
  SHARING_BASIS_LABELS,
  SHARING_DECISION_LABELS,
  today,
} from '../ui/words.js';

type Who = (userId: string | null) => string;

/** A sealed `{ text }` field opened here; one that does not open says so instead of failing the page. */
async function openText(
  channelId: string,
  purpose: 'lawful-basis' | 'competence-rationale',
  sealed: { epoch: number; ciphertext: string } | null,
  recordId: string,
): Promise<string> {
  if (!sealed) return '';
  try {
    const doc: Partial<TextDocument> | null = await app.secure.openField(channelId, purpose, sealed, { recordId });
    return typeof doc?.text === 'string' ? doc.text : '(written in a form this page cannot show)';
  } catch {
    return '(cannot be read on this device)';
  }
}

/**
 * The consent register: which agencies may see the family's information and why, lawful bases to share
 * without consent (their justifications opened here), each member's consent history and the
 * fair-processing notices they were given, and every decision to share or not.
 */
export function ConsentRegister({ record, who }: { record: FamilyRecord; who: Who }) {
  const { register, family } = record;
  const agencyName = agencyNamesOf(record.agencies);
  const memberName = new Map(record.members.map((m) => [m.id, m]));
  const texts = useLoad(async () => {
    const out = new Map<string, string>();
    for (const b of register.lawfulBases) {
      out.set(b.id, await openText(family.channelId, 'lawful-basis', b.justification, b.id));
    }
    for (const m of register.members) {
      for (const c of m.history) {
        if (c.competence) {
          out.set(c.id, await openText(family.channelId, 'competence-rationale', c.competence.rationale, c.id));
        }
      }
    }
    return out;
  }, [register]);
  const text = (id: string) => texts.data?.get(id) ?? (texts.loading ? 'Opening…' : '');
  return (
    <>
      <h3>Who may see the family’s information</h3>
      {register.sharing.agencies.length === 0 ? (
        <p>No agency may see it yet.</p>
      ) : (
        <table class="table">
          <caption class="visually-hidden">Agencies that may see the family’s information, and why</caption>
          <thead>
            <tr>
              <th scope="col">Agency</th>
              <th scope="col">Why they may</th>
            </tr>
          </thead>
          <tbody>
            {register.sharing.agencies.map((a) => (
              <tr key={a.agencyId}>
                <th scope="row">{a.agencyName}</th>
                <Td label="Why they may">{SHARING_BASIS_LABELS[a.basis]}</Td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>Lawful bases to share without consent</h3>
      {register.lawfulBases.length === 0 ? (
        <p>None recorded.</p>
      ) : (
        <table class="table">
          <caption class="visually-hidden">Lawful bases to share without consent</caption>
          <thead>
            <tr>
              <th scope="col">Agency</th>
              <th scope="col">Basis</th>
              <th scope="col">Justification</th>
              <th scope="col">Approved by</th>
              <th scope="col">Recorded</th>
            </tr>
          </thead>
          <tbody>
            {register.lawfulBases.map((b) => (
              <tr key={b.id}>
                <th scope="row">{agencyName(b.agencyId)}</th>
                <Td label="Basis">{LAWFUL_BASIS_LABELS[b.basis]}</Td>
                <Td label="Justification" class="prose">
                  {text(b.id)}
                </Td>
                <Td label="Approved by">{who(b.approvedBy)}</Td>
                <Td label="Recorded">
                  {who(b.recordedBy)}, {formatDateTime(b.recordedAt)}
                </Td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>Consent history</h3>
      {register.members.length === 0 && <p>No family members yet.</p>}
      {register.members.map((m) => {
        const shown = memberName.get(m.memberId);
        const name = shown ? shown.name : m.memberRef;
        return (
          <details class="panel" key={m.memberId}>
            <summary>
              {name} ({MEMBER_ROLE_LABELS[m.role].toLowerCase()}): {count(m.history.length, 'decision')},{' '}
              {count(m.noticesGiven.length, 'notice')} given
            </summary>
            {m.history.length === 0 ? (
              <p>No consent decisions recorded.</p>
            ) : (
              <table class="table">
                <caption class="visually-hidden">Consent decisions for {name}, as recorded</caption>
                <thead>
                  <tr>
                    <th scope="col">Date</th>
                    <th scope="col">Decision</th>
                    <th scope="col">Made by</th>
                    <th scope="col">How</th>
                    <th scope="col">Recorded by</th>
                  </tr>
                </thead>
                <tbody>
                  {m.history.map((c) => (
                    <tr key={c.id}>
                      <th scope="row">{formatDay(c.decidedOn)}</th>
                      <Td label="Decision">
                        {CONSENT_KIND_LABELS[c.kind]}: {CONSENT_STATUS_LABELS[c.status].toLowerCase()}
                        {c.agencyIds.length > 0 && (
                          <span class="covers">Covers: {c.agencyIds.map(agencyName).join(', ')}</span>
                        )}
                      </Td>
                      <Td label="Made by">
                        {CONSENT_GIVER_LABELS[c.givenBy]}
                        {c.competence && (
                          <span class="covers">
                            Judged competent to decide by {inSentence(who(c.competence.assessedBy))} on{' '}
                            {formatDay(c.competence.assessedOn)}: {text(c.id)}
                          </span>
                        )}
                      </Td>
                      <Td label="How">
                        {CONSENT_METHOD_LABELS[c.method]}, form {c.formVersion}
                      </Td>
                      <Td label="Recorded by">
                        {who(c.recordedBy)}, {formatDateTime(c.recordedAt)}
                      </Td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {m.noticesGiven.length > 0 && (
              <ul>
                {m.noticesGiven.map((n) => (
                  <li key={`${n.agencyId}-${n.noticeVersion}-${n.givenOn}`}>
                    Privacy notice {n.noticeVersion} given on {formatDay(n.givenOn)} by {inSentence(who(n.givenBy))} for{' '}
                    {agencyName(n.agencyId)}
                  </li>
                ))}
              </ul>
            )}
          </details>
        );
      })}

      {register.decisions.length > 0 && (
        <details class="panel">
          <summary>Decisions to share, or not ({register.decisions.length})</summary>
          <table class="table">
            <caption class="visually-hidden">Every decision to share the family’s information, newest last</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Agency</th>
                <th scope="col">What</th>
                <th scope="col">Outcome</th>
                <th scope="col">Decided by</th>
              </tr>
            </thead>
            <tbody>
              {register.decisions.map((d, i) => (
                <tr key={i}>
                  <th scope="row">{formatDateTime(d.decidedAt)}</th>
                  <Td label="Agency">{agencyName(d.agencyId)}</Td>
                  <Td label="What">
                    {d.what === 'channel_member_added'
                      ? `${d.subjectUserId ? who(d.subjectUserId) : 'Someone'} to join the family’s conversation`
                      : SHARING_DECISION_LABELS[d.what]}
                  </Td>
                  <Td label="Outcome">
                    {d.outcome === 'shared'
                      ? `Shared (${d.basis === 'none' ? 'no basis' : SHARING_BASIS_LABELS[d.basis].toLowerCase()})`
                      : d.outcome === 'withdrawn'
                        ? 'Withdrawn'
                        : d.what === 'information_declined'
                          ? 'Declined, with a written reason'
                          : 'Refused: no basis to share'}
                  </Td>
                  <Td label="Decided by">{who(d.decidedBy)}</Td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </>
  );
}

/**
 * Records a consent decision for one family member: to record or to share, given, refused or
 * withdrawn, by whom (an adult for themself; a child through a parent or carer, or themself when
 * judged competent, with who judged it, when and why), how, when and on which form; consent to share
 * names the agencies it covers. The reason for a competence judgement is encrypted here.
 */
export function RecordConsent({
  record,
  onRecorded,
}: {
  record: FamilyRecord;
  onRecorded: (register: ConsentRegisterView, said: string) => void;
}) {
  const { family, channel, register } = record;
  const [memberId, setMemberId] = useState('');
  const [kind, setKind] = useState<ConsentKind>('share');
  const [status, setStatus] = useState<ConsentStatus | ''>('');
  const [givenBy, setGivenBy] = useState<ConsentGiver | ''>('');
  const [method, setMethod] = useState<ConsentMethod>('written');
  const [decidedOn, setDecidedOn] = useState(today());
  const [formVersion, setFormVersion] = useState('');
  const [agencyIds, setAgencyIds] = useState<string[]>([]);
  const [assessedBy, setAssessedBy] = useState(app.user.id);
  const [assessedOn, setAssessedOn] = useState(today());
  const [rationale, setRationale] = useState('');

  const member: ShownMember | undefined = record.members.find((m) => m.id === memberId);
  const child = member?.role === 'child';
  const giver: ConsentGiver | '' = member && !child ? 'self' : givenBy;
  const needsCompetence = child && giver === 'self';
  const current = register.members.find((m) => m.memberId === memberId);
  const latest = kind === 'record' ? current?.consentToRecord : current?.consentToShare;
  const statuses = optionsOf(CONSENT_STATUS_LABELS).filter(
    (o) => o.value !== 'withdrawn' || latest?.status === 'given',
  );
  const partners = record.agencies.filter((a) => a.status === 'signed' || a.status === 'notice_given');
  const assessors = channel.members.filter((m) => m.role !== 'observer');

  const save = useAction(async () => {
    if (!member) throw new Error('Choose the family member the decision is about.');
    if (!status) throw new Error('Choose the decision: given, refused or withdrawn.');
    if (!giver) throw new Error('Choose who made the decision.');
    if (!formVersion.trim()) throw new Error('Give the version of the consent form used.');
    if (kind === 'share' && status === 'given' && agencyIds.length === 0) {
      throw new Error('Choose the agencies this consent to share covers.');
    }
    if (needsCompetence && !rationale.trim()) {
      throw new Error('Say why the child was judged competent to decide for themself.');
    }
    const id = crypto.randomUUID();
    const input: ConsentInput = {
      id,
      kind,
      status,
      givenBy: giver,
      method,
      decidedOn,
      formVersion: formVersion.trim(),
      agencyIds: kind === 'share' && status === 'given' ? agencyIds : [],
    };
    const s = app.secure;
    const next = await s.sealedWrite(async () =>
      s.client.recordConsent(family.id, member.id, {
        ...input,
        competence: needsCompetence
          ? {
              assessedBy,
              assessedOn,
              rationale: await s.sealField(
                family.channelId,
                'competence-rationale',
                { text: rationale.trim() },
                { recordId: id },
              ),
            }
          : undefined,
      }),
    );
    const said =
      `Recorded: ${CONSENT_KIND_LABELS[kind].toLowerCase()} ${CONSENT_STATUS_LABELS[status].toLowerCase()} ` +
      `for ${member.name}.` +
      (next.sharing.restriction ? ` ${next.sharing.restriction.message}` : '');
    setStatus('');
    setGivenBy('');
    setFormVersion('');
    setAgencyIds([]);
    setRationale('');
    onRecorded(next, said);
  });

  return (
    <details class="panel">
      <summary>Record a consent decision</summary>
      <form
        aria-label="Record a consent decision"
        onSubmit={(e) => {
          e.preventDefault();
          void save.run();
        }}
      >
        <ErrorSummary error={save.error} />
        <Select
          label="Family member"
          value={memberId}
          placeholder="Choose a family member"
          options={record.members.map((m) => ({
            value: m.id,
            label: `${m.name} (${MEMBER_ROLE_LABELS[m.role].toLowerCase()}${m.name !== m.shortRef ? `, ${m.shortRef}` : ''})`,
          }))}
          onChange={setMemberId}
          required
        />
        <Radios
          legend="What is the decision about?"
          name="kind"
          value={kind}
          options={[
            { value: 'record', label: CONSENT_KIND_LABELS.record, hint: 'Keeping a record about them.' },
            { value: 'share', label: CONSENT_KIND_LABELS.share, hint: 'Sharing information with partner agencies.' },
          ]}
          onChange={(k) => {
            setKind(k);
            setStatus('');
          }}
        />
        <Radios
          legend="Decision"
          name="status"
          value={status}
          options={statuses}
          onChange={setStatus}
          hint={
            latest
              ? `The decision in force now: ${CONSENT_STATUS_LABELS[latest.status].toLowerCase()} on ${formatDay(latest.decidedOn)}.`
              : member
                ? 'Nothing is recorded for this yet.'
                : undefined
          }
          inline
        />
        {member && !child ? (
          <p>
            <strong>Made by:</strong> {member.name} themself (an adult decides for themself).
          </p>
        ) : (
          <Radios
            legend="Who made the decision?"
            name="giver"
            value={givenBy}
            options={[
              { value: 'parent', label: CONSENT_GIVER_LABELS.parent },
              { value: 'carer', label: CONSENT_GIVER_LABELS.carer },
              {
                value: 'self',
                label: 'The child themself',
                hint: 'A young person judged competent to decide (usually 13 or older).',
              },
            ]}
            onChange={setGivenBy}
          />
        )}
        {needsCompetence && (
          <fieldset class="panel-inner">
            <legend>The competence judgement</legend>
            <Select
              label="Judged competent by"
              value={assessedBy}
              options={assessors.map((m) => ({
                value: m.userId,
                label: m.userId === app.user.id ? `You (${m.displayName})` : `${m.displayName}, ${m.agencyName}`,
              }))}
              onChange={setAssessedBy}
            />
            <Field
              label="Date of the judgement"
              type="date"
              max={today()}
              value={assessedOn}
              onInput={setAssessedOn}
              required
            />
            <TextArea
              label="Why they were judged competent"
              hint="Encrypted on this device; only the professionals in the family’s conversation can read it."
              value={rationale}
              onInput={setRationale}
              required
            />
          </fieldset>
        )}
        <Radios
          legend="How was it given?"
          name="method"
          value={method}
          options={optionsOf(CONSENT_METHOD_LABELS)}
          onChange={setMethod}
          inline
        />
        <Field
          label="Date of the decision"
          type="date"
          max={today()}
          value={decidedOn}
          onInput={setDecidedOn}
          required
        />
        <Field
          label="Consent form version"
          hint="As printed on the form, for example v3."
          autoComplete="off"
          value={formVersion}
          onInput={setFormVersion}
          required
        />
        {kind === 'share' && status === 'given' && (
          <Checkboxes
            legend="Agencies this consent covers"
            hint="Only agencies that have signed the agreement are listed."
            values={agencyIds}
            options={partners.map((a) => ({ value: a.id, label: a.name }))}
            onChange={setAgencyIds}
          />
        )}
        <Button type="submit" busy={save.busy}>
          Record decision
        </Button>
      </form>
    </details>
  );
}

/**
 * A lawful basis to share with an agency without consent (ISA 3.3.6, 3.4): the basis, a written
 * justification (encrypted here), and the manager of the recorder's own agency who approved it.
 */
export function RecordLawfulBasis({
  record,
  onRecorded,
}: {
  record: FamilyRecord;
  onRecorded: (register: ConsentRegisterView, said: string) => void;
}) {
  const { family } = record;
  const [agencyId, setAgencyId] = useState('');
  const [basis, setBasis] = useState<LawfulBasisKind | ''>('');
  const [justification, setJustification] = useState('');
  const [approver, setApprover] = useState('');
  const partners = record.agencies.filter((a) => a.status === 'signed' || a.status === 'notice_given');
  const agency = partners.find((a) => a.id === agencyId);
  const bases = optionsOf(LAWFUL_BASIS_LABELS).filter((o) => o.value !== 'dea_s35' || !agency || agency.deaS35Partner);
  const save = useAction(async () => {
    if (!agency) throw new Error('Choose the agency to share with.');
    if (!basis) throw new Error('Choose the lawful basis.');
    if (!justification.trim()) throw new Error('Write why sharing without consent is necessary and proportionate.');
    const approvedBy = (await app.secure.client.lookupUser(approver.trim())).id;
    const id = crypto.randomUUID();
    const s = app.secure;
    const next = await s.sealedWrite(async () =>
      s.client.recordLawfulBasis(family.id, {
        id,
        agencyId: agency.id,
        basis,
        justification: await s.sealField(
          family.channelId,
          'lawful-basis',
          { text: justification.trim() },
          { recordId: id },
        ),
        approvedBy,
      }),
    );
    setAgencyId('');
    setBasis('');
    setJustification('');
    setApprover('');
    onRecorded(next, `Recorded a lawful basis to share with ${agency.name} without consent.`);
  });
  return (
    <details class="panel">
      <summary>Record a lawful basis to share without consent</summary>
      <form
        aria-label="Record a lawful basis to share without consent"
        onSubmit={(e) => {
          e.preventDefault();
          void save.run();
        }}
      >
        <p class="hint">
          Only where sharing is necessary and lawful without the family’s consent. A manager of your agency must approve
          it.
        </p>
        <ErrorSummary error={save.error} />
        <Select
          label="Agency to share with"
          value={agencyId}
          placeholder="Choose an agency"
          options={partners.map((a) => ({ value: a.id, label: a.name }))}
          onChange={(id) => {
            setAgencyId(id);
            setBasis('');
          }}
          required
        />
        <Radios legend="Lawful basis" name="basis" value={basis} options={bases} onChange={setBasis} />
        <TextArea
          label="Justification"
          hint="Why sharing without consent is necessary and proportionate. Encrypted on this device."
          value={justification}
          onInput={setJustification}
          required
        />
        <Field
          label="Approved by (their work e-mail address)"
          hint="A manager of your own agency, not you."
          type="email"
          autoComplete="off"
          spellcheck={false}
          required
          value={approver}
          onInput={setApprover}
        />
        <Button type="submit" busy={save.busy}>
          Record lawful basis
        </Button>
      </form>
    </details>
  );
}

/** The fair-processing (privacy) notice given to a family member, for the recorder's agency (ISA 5.1). */
export function RecordNotice({
  record,
  onRecorded,
}: {
  record: FamilyRecord;
  onRecorded: (register: ConsentRegisterView, said: string) => void;
}) {
  const [memberId, setMemberId] = useState('');
  const [version, setVersion] = useState('');
  const [givenOn, setGivenOn] = useState(today());
  const save = useAction(async () => {
    const member = record.members.find((m) => m.id === memberId);
    if (!member) throw new Error('Choose the family member who was given the notice.');
    const next = await app.secure.client.recordNotice(record.family.id, member.id, {
      noticeVersion: version.trim(),
      givenOn,
    });
    setMemberId('');
    setVersion('');
    onRecorded(next, `Recorded: privacy notice ${version.trim()} given to ${member.name}.`);
  });
  return (
    <details class="panel">
      <summary>Record a privacy notice given</summary>
      <form
        aria-label="Record a privacy notice given"
        onSubmit={(e) => {
          e.preventDefault();
          void save.run();
        }}
      >
        <p class="hint">
          The fair-processing notice tells the family who collects their information, why, and with whom it is shared.
        </p>
        <ErrorSummary error={save.error} />
        <Select
          label="Family member"
          value={memberId}
          placeholder="Choose a family member"
          options={record.members.map((m) => ({
            value: m.id,
            label: `${m.name} (${MEMBER_ROLE_LABELS[m.role].toLowerCase()})`,
          }))}
          onChange={setMemberId}
          required
        />
        <Field label="Notice version" autoComplete="off" required value={version} onInput={setVersion} />
        <Field label="Date given" type="date" max={today()} required value={givenOn} onInput={setGivenOn} />
        <Button type="submit" busy={save.busy}>
          Record notice
        </Button>
      </form>
    </details>
  );
}
