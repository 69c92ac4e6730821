import { useState } from 'preact/hooks';
import { SCHEDULE_CLASS_LABELS, type ScheduleEntryView, type ScheduleView } from '../../../../contracts/retention.js';
import { app } from '../state/app.js';
import { Select } from '../ui/choice.js';
import { Button, ErrorSummary, formatDate, PageTitle, useAction } from '../ui/form.js';
import { Status, useLoad } from '../ui/status.js';
import { Td } from '../ui/table.js';
import { AdminPage } from './admin.js';

/** How each class's period is applied today, in words (docs/operations.md, "Retention schedules"). */
const APPLIED: Record<ScheduleEntryView['enforcement'], string> = {
  deleted: 'Deleted when due (legal holds respected)',
  dated: 'Date kept; not yet deleted',
  not_enforced: 'Not yet enforced',
};

/**
 * An agency's retention schedule (ISA 7: each party's own): how long each class of record is kept, from
 * when, and within which bounds. The agency's data-protection lead sets its own periods here, an ISA
 * administrator any agency's; a record keeps the period it was made with.
 */
export function AdminRetention() {
  const isa = app.user.role === 'isa_admin';
  const [agencyId, setAgencyId] = useState<string>(app.user.agencyId);
  const agencies = useLoad(() => (isa ? app.secure.client.agencies() : Promise.resolve([])));
  const schedule = useLoad(() => app.secure.client.retentionSchedule({ agencyId }), [agencyId]);
  const [status, setStatus] = useState<string | null>(null);
  const mayEdit = isa || (app.user.role === 'agency_admin' && agencyId === app.user.agencyId);
  const s = schedule.data;
  return (
    <AdminPage part="retention" title="Retention schedule">
      <PageTitle>Retention schedule</PageTitle>
      <p>
        How long each kind of record is kept before it is deleted, and from when. Each agency sets its own periods
        within the bounds the agreement allows. A record keeps the period it was made with: a change here applies to
        records made from now on.
      </p>
      {isa && agencies.data && (
        <Select
          label="Agency"
          value={agencyId}
          options={agencies.data.map((a) => ({ value: a.id, label: a.name }))}
          onChange={setAgencyId}
        />
      )}
      <Status>{status}</Status>
      <ErrorSummary error={schedule.error ?? agencies.error} />
      {!s ? (
        !schedule.error && <p role="status">Loading…</p>
      ) : (
        <ScheduleTable
          schedule={s}
          mayEdit={mayEdit}
          onSaved={(next, line) => {
            void schedule.reload();
            setStatus(`${next.agencyName} now keeps ${SCHEDULE_CLASS_LABELS[line.recordClass]} for ${line.days} days.`);
          }}
        />
      )}
    </AdminPage>
  );
}

function ScheduleTable(props: {
  schedule: ScheduleView;
  mayEdit: boolean;
  onSaved: (s: ScheduleView, line: ScheduleEntryView) => void;
}) {
  const { schedule: s } = props;
  return (
    <table class="table">
      <caption>Retention schedule of {s.agencyName}</caption>
      <thead>
        <tr>
          <th scope="col">Records</th>
          <th scope="col">Kept for</th>
          <th scope="col">Counted from</th>
          <th scope="col">Allowed</th>
          <th scope="col">Applied</th>
          {props.mayEdit && <th scope="col">Change</th>}
        </tr>
      </thead>
      <tbody>
        {s.classes.map((e) => (
          <tr key={e.recordClass}>
            <th scope="row">{SCHEDULE_CLASS_LABELS[e.recordClass]}</th>
            <Td label="Kept for">
              {e.days} days
              <span class="covers">{e.setAt ? `set on ${formatDate(e.setAt)}` : 'the default'}</span>
            </Td>
            <Td label="Counted from">{e.anchor === 'closure' ? 'when it closes' : 'when it is made'}</Td>
            <Td label="Allowed">
              {e.minDays} to {e.maxDays} days
            </Td>
            <Td label="Applied">{APPLIED[e.enforcement]}</Td>
            {props.mayEdit && (
              <Td label="Change">
                <PeriodForm agencyId={s.agencyId} entry={e} onSaved={props.onSaved} />
              </Td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One class's period, changed in place; the server checks the bounds and says so in words. */
function PeriodForm(props: {
  agencyId: string;
  entry: ScheduleEntryView;
  onSaved: (s: ScheduleView, line: ScheduleEntryView) => void;
}) {
  const { entry: e } = props;
  const [days, setDays] = useState(String(e.days));
  const save = useAction(async () => {
    // The bounds are the server's to judge (it says why in words); here only that it is a number of days.
    if (!/^\d{1,6}$/.test(days.trim())) throw new Error('Give the period as a whole number of days, such as 365.');
    const next = await app.secure.client.setRetentionPeriod(props.agencyId, e.recordClass, Number(days));
    props.onSaved(
      next,
      next.classes.find((c) => c.recordClass === e.recordClass)!,
    );
  });
  const id = `period-${e.recordClass}`;
  return (
    <form
      class="inline-input"
      noValidate
      onSubmit={(ev) => {
        ev.preventDefault();
        void save.run();
      }}
    >
      <label for={id} class="visually-hidden">
        Days to keep {SCHEDULE_CLASS_LABELS[e.recordClass]}
      </label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={e.minDays}
        max={e.maxDays}
        value={days}
        aria-invalid={save.error ? true : undefined}
        aria-describedby={save.error ? `${id}-error` : undefined}
        onInput={(ev) => setDays(ev.currentTarget.value)}
      />
      <Button type="submit" variant="secondary" busy={save.busy}>
        Save<span class="visually-hidden"> the period for {SCHEDULE_CLASS_LABELS[e.recordClass]}</span>
      </Button>
      {save.error && (
        <p class="error-text" id={`${id}-error`} role="alert">
          {save.error}
        </p>
      )}
    </form>
  );
}
