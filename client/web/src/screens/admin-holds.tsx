import { useState } from 'preact/hooks';
import { RECORD_CLASSES, type HoldScope, type RecordClass } from '../../../../contracts/retention.js';
import { auditExportNames, type AuditExportNames, type HoldView, type PlaceHoldRequest } from '../../../sdk/browser.js';
import { app } from '../state/app.js';
import { holdScopeText, midSentence, RECORD_CLASS_LABELS, shortId } from '../state/governance-words.js';
import { Radios, Select } from '../ui/choice.js';
import { ConfirmButton } from '../ui/confirm.js';
import { Button, ErrorSummary, Field, formatDateTime, PageTitle, TextArea, useAction } from '../ui/form.js';
import { Status, useLoad } from '../ui/status.js';
import { Td } from '../ui/table.js';
import { AdminPage } from './admin.js';

const SCOPE_OPTIONS: { value: HoldScope; label: string; hint: string }[] = [
  { value: 'family', label: 'A family', hint: 'Everything in the family’s conversation, by its reference.' },
  { value: 'channel', label: 'A conversation', hint: 'Every message and file in one conversation, by its id.' },
  { value: 'agency', label: 'An agency', hint: 'Every message and file written by the agency’s people.' },
  { value: 'class', label: 'A whole record class', hint: 'Every message, or every file, everywhere.' },
];

/**
 * Legal holds (ISA 7, 8.3): records a request, complaint or proceedings needs are kept past their expiry
 * until the hold is released. The ISA team places and releases holds, each with a reason; auditors and
 * agency administrators read them (src/retention/holds.controller.ts).
 */
export function AdminHolds() {
  const isa = app.user.role === 'isa_admin';
  const holds = useLoad(async () => {
    const [list, names] = await Promise.all([
      app.secure.client.holds({ active: 'false' }),
      auditExportNames(app.secure.client),
    ]);
    return { list, names };
  });
  const [status, setStatus] = useState<string | null>(null);
  const names = holds.data?.names;
  const inForce = holds.data?.list.filter((h) => !h.releasedAt) ?? [];
  const released = holds.data?.list.filter((h) => h.releasedAt) ?? [];
  const done = (said: string) => {
    setStatus(said);
    void holds.reload();
  };
  return (
    <AdminPage part="holds" title="Legal holds">
      <PageTitle>Legal holds</PageTitle>
      <p>
        A legal hold keeps records past the end of their retention period while a request, a complaint or proceedings
        need them. Nothing a hold covers expires until it is released; the members of a conversation it covers see that
        it is held, never why.
      </p>
      <section aria-labelledby="holds-in-force">
        <h2 id="holds-in-force">Holds in force</h2>
        <ErrorSummary error={holds.error} />
        {!holds.data ? (
          !holds.error && <p>Loading…</p>
        ) : inForce.length === 0 ? (
          <p>No hold is in force: records expire under their retention periods.</p>
        ) : (
          <HoldsTable caption="Holds in force, newest first" holds={inForce} names={names!} onReleased={done} />
        )}
      </section>
      {/* Between the list and the form: in view after a release above or a hold placed below. */}
      <Status>{status}</Status>
      {isa && <PlaceHold agencies={names?.agency} onPlaced={done} />}
      {holds.data && released.length > 0 && (
        <section aria-labelledby="holds-released">
          <h2 id="holds-released">Released holds</h2>
          <HoldsTable caption="Released holds, newest first" holds={released} names={names!} />
        </section>
      )}
    </AdminPage>
  );
}

function HoldsTable(props: {
  caption: string;
  holds: HoldView[];
  names: AuditExportNames;
  onReleased?: (said: string) => void;
}) {
  const isa = app.user.role === 'isa_admin';
  const person = (id: string | null) => (id ? (props.names.who.get(id)?.name ?? `someone (${shortId(id)})`) : '');
  const releasing = isa && props.onReleased;
  // Readers of holds in force need no "Released" column: it would say "In force" on every row.
  const releasedColumn = !releasing && props.holds.some((h) => h.releasedAt);
  return (
    <table class="table">
      <caption class="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">What it holds</th>
          <th scope="col">Placed</th>
          <th scope="col">Reason</th>
          {releasing ? (
            <th scope="col">
              <span class="visually-hidden">Release</span>
            </th>
          ) : (
            releasedColumn && <th scope="col">Released</th>
          )}
        </tr>
      </thead>
      <tbody>
        {props.holds.map((h) => {
          const what = holdScopeText(h, h.scopeId ? props.names.agency.get(h.scopeId) : undefined);
          return (
            <tr key={h.id}>
              <th scope="row">
                {what}
                <span class="covers">Hold {shortId(h.id)}</span>
              </th>
              <Td label="Placed">
                {formatDateTime(h.placedAt)}
                <span class="covers">by {person(h.placedBy)}</span>
              </Td>
              <Td label="Reason">{h.reason}</Td>
              {releasing ? (
                <td>
                  <ReleaseHold hold={h} what={what} onReleased={props.onReleased!} />
                </td>
              ) : (
                releasedColumn && (
                  <Td label="Released">
                    {h.releasedAt ? (
                      <>
                        {formatDateTime(h.releasedAt)}
                        <span class="covers">
                          by {person(h.releasedBy)}: {h.releaseReason}
                        </span>
                      </>
                    ) : (
                      'In force'
                    )}
                  </Td>
                )
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function ReleaseHold(props: { hold: HoldView; what: string; onReleased: (said: string) => void }) {
  const [reason, setReason] = useState('');
  return (
    <ConfirmButton
      variant="secondary"
      label={
        <>
          Release<span class="visually-hidden"> the hold on {midSentence(props.what)}</span>
        </>
      }
      question={`Release the hold on ${midSentence(props.what)}? What only it kept expires at the next run, and cannot be brought back.`}
      confirmLabel="Yes, release the hold"
      ready={reason.trim().length > 0}
      onConfirm={async () => {
        await app.secure.client.releaseHold(props.hold.id, { reason: reason.trim() });
        props.onReleased(`The hold on ${midSentence(props.what)} is released.`);
      }}
    >
      <TextArea
        label="Why it is no longer needed"
        hint="Kept with the hold. For example: the request was answered."
        rows={2}
        value={reason}
        onInput={setReason}
      />
    </ConfirmButton>
  );
}

/** The ISA team's form: what to hold, and why. */
function PlaceHold(props: { agencies: Map<string, string> | undefined; onPlaced: (said: string) => void }) {
  const [scope, setScope] = useState<HoldScope | ''>('');
  const [family, setFamily] = useState('');
  const [channelId, setChannelId] = useState('');
  const [agencyId, setAgencyId] = useState('');
  const [recordClass, setRecordClass] = useState<RecordClass | ''>('');
  const [reason, setReason] = useState('');
  const place = useAction(async () => {
    const why = reason.trim();
    let body: PlaceHoldRequest;
    if (scope === 'family') {
      if (!family.trim()) throw new Error('Give the family’s reference, such as EH-2026-0001.');
      body = { scope, family: family.trim(), reason: why };
    } else if (scope === 'channel') {
      if (!channelId.trim()) throw new Error('Give the conversation’s id.');
      body = { scope, channelId: channelId.trim().toLowerCase(), reason: why };
    } else if (scope === 'agency') {
      if (!agencyId) throw new Error('Choose the agency.');
      body = { scope, agencyId, reason: why };
    } else if (scope === 'class') {
      if (!recordClass) throw new Error('Choose the record class.');
      body = { scope, recordClass, reason: why };
    } else throw new Error('Choose what to hold.');
    if (!why) throw new Error('Say why the records must be kept.');
    const hold = await app.secure.client.placeHold(body);
    setReason('');
    props.onPlaced(
      `Hold placed: ${midSentence(holdScopeText(hold, props.agencies?.get(hold.scopeId ?? '')))} will not expire until it is released.`,
    );
  });
  return (
    <section aria-labelledby="place-hold">
      <h2 id="place-hold">Place a hold</h2>
      <form
        aria-labelledby="place-hold"
        onSubmit={(e) => {
          e.preventDefault();
          void place.run();
        }}
      >
        <ErrorSummary error={place.error} />
        <Radios legend="What to hold" name="scope" value={scope} options={SCOPE_OPTIONS} onChange={setScope} />
        {scope === 'family' && (
          <Field
            label="Family reference"
            hint="As on the family’s page, such as EH-2026-0001."
            autoComplete="off"
            spellcheck={false}
            value={family}
            onInput={setFamily}
          />
        )}
        {scope === 'channel' && (
          <Field
            label="Conversation id"
            hint="The long id at the end of the conversation’s address (ISA administrators are not members)."
            autoComplete="off"
            spellcheck={false}
            value={channelId}
            onInput={setChannelId}
          />
        )}
        {scope === 'agency' && (
          <Select
            label="Agency"
            value={agencyId}
            placeholder="Choose an agency"
            options={[...(props.agencies ?? new Map<string, string>())].map(([value, label]) => ({ value, label }))}
            onChange={setAgencyId}
          />
        )}
        {scope === 'class' && (
          <Select
            label="Record class"
            value={recordClass}
            placeholder="Choose a record class"
            options={RECORD_CLASSES.map((c) => ({ value: c, label: RECORD_CLASS_LABELS[c] }))}
            onChange={setRecordClass}
          />
        )}
        <TextArea
          label="Reason"
          hint="Why the records must be kept, for example: care proceedings, court order of 14 November. Kept with the hold, shown only to the ISA team, auditors and agency administrators."
          rows={3}
          maxLength={1000}
          value={reason}
          onInput={setReason}
        />
        <Button type="submit" busy={place.busy}>
          Place the hold
        </Button>
      </form>
    </section>
  );
}
