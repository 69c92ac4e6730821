import { useState } from 'preact/hooks';
import type { ConsentRecordView, FamilyMemberDetails, FamilyMemberRole, FamilyView } from '../../../sdk/browser.js';
import { app } from '../state/app.js';
import { agencyNamesOf, shortRef, type FamilyRecord } from '../state/family.js';
import { Select } from '../ui/choice.js';
import { Button, ErrorSummary, Field, useAction } from '../ui/form.js';
import { Td } from '../ui/table.js';
import {
  CONSENT_GIVER_LABELS,
  CONSENT_METHOD_LABELS,
  CONSENT_STATUS_LABELS,
  formatDay,
  MEMBER_ROLE_LABELS,
  optionsOf,
  today,
} from '../ui/words.js';

/** The family's members: who they are (opened here), their role, and consent to record and to share. */
export function FamilyMembers({ record }: { record: FamilyRecord }) {
  const agencyName = agencyNamesOf(record.agencies);
  if (record.members.length === 0) return <p>No family members have been added yet.</p>;
  const consentOf = new Map(record.register.members.map((m) => [m.memberId, m]));
  return (
    <table class="table">
      <caption class="visually-hidden">Family members and their consent</caption>
      <thead>
        <tr>
          <th scope="col">Family member</th>
          <th scope="col">Role</th>
          <th scope="col">Date of birth</th>
          <th scope="col">Consent to record</th>
          <th scope="col">Consent to share</th>
        </tr>
      </thead>
      <tbody>
        {record.members.map((m) => {
          const c = consentOf.get(m.id);
          return (
            <tr key={m.id}>
              <th scope="row">
                {m.name}
                {m.name !== m.shortRef && <span class="hint"> ({m.shortRef})</span>}
                {m.unreadable && <p class="warning-text">{m.unreadable}</p>}
              </th>
              <Td label="Role">{MEMBER_ROLE_LABELS[m.role]}</Td>
              <Td label="Date of birth">{m.dateOfBirth ? formatDay(m.dateOfBirth) : 'Not recorded'}</Td>
              <Td label="Consent to record">
                <ConsentSummary c={c?.consentToRecord ?? null} agencyName={agencyName} />
              </Td>
              <Td label="Consent to share">
                <ConsentSummary c={c?.consentToShare ?? null} agencyName={agencyName} />
              </Td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** One consent decision in words: given by whom, when, how, on which form, and whom it covers. */
export function ConsentSummary({ c, agencyName }: { c: ConsentRecordView | null; agencyName: (id: string) => string }) {
  if (!c) return <>Not recorded</>;
  return (
    <>
      <strong class={`consent-${c.status}`}>{CONSENT_STATUS_LABELS[c.status]}</strong>
      {` by ${CONSENT_GIVER_LABELS[c.givenBy].toLowerCase()}, ${formatDay(c.decidedOn)}`}
      <span class="hint">
        {' '}
        ({CONSENT_METHOD_LABELS[c.method].toLowerCase()}, form {c.formVersion}
        {c.competence ? ', judged competent to decide' : ''})
      </span>
      {c.agencyIds.length > 0 && <span class="covers">Covers: {c.agencyIds.map(agencyName).join(', ')}</span>}
    </>
  );
}

/**
 * Adds a family member. Their name and date of birth are encrypted on this device for the family's
 * conversation before they are sent: the server keeps only the role and a reference (M1, M2…).
 */
export function AddMember({ family, onAdded }: { family: FamilyView; onAdded: (said: string) => void }) {
  const [role, setRole] = useState<FamilyMemberRole | ''>('');
  const [name, setName] = useState('');
  const [born, setBorn] = useState('');
  const add = useAction(async () => {
    if (!role) throw new Error('Choose the family member’s role.');
    const details: FamilyMemberDetails = {
      ...(name.trim() ? { name: name.trim() } : {}),
      ...(born ? { dateOfBirth: born } : {}),
    };
    const id = crypto.randomUUID();
    const s = app.secure;
    const added = await s.sealedWrite(async () =>
      s.client.addFamilyMember(family.id, {
        id,
        role,
        details: Object.keys(details).length
          ? await s.sealField(family.channelId, 'family-member', details, { recordId: id })
          : undefined,
      }),
    );
    setRole('');
    setName('');
    setBorn('');
    onAdded(
      `Added ${details.name ?? shortRef(family, added.ref)} (${MEMBER_ROLE_LABELS[added.role].toLowerCase()}) as ${shortRef(family, added.ref)}.`,
    );
  });
  return (
    <details class="panel">
      <summary>Add a family member</summary>
      <form
        aria-label="Add a family member"
        onSubmit={(e) => {
          e.preventDefault();
          void add.run();
        }}
      >
        <p class="hint">
          Name and date of birth are encrypted on this device before they are sent. Only the professionals in the
          family’s conversation can read them.
        </p>
        <ErrorSummary error={add.error} />
        <Select
          label="Role in the family"
          value={role}
          placeholder="Choose a role"
          options={optionsOf(MEMBER_ROLE_LABELS)}
          onChange={setRole}
          required
        />
        <Field label="Name" hint="As the family uses it." autoComplete="off" value={name} onInput={setName} />
        <Field label="Date of birth (optional)" type="date" max={today()} value={born} onInput={setBorn} />
        <Button type="submit" busy={add.busy}>
          Add family member
        </Button>
      </form>
    </details>
  );
}
