import { useState } from 'preact/hooks';
import type { AgencySector, AgencyView, SignatureView } from '../../../sdk/browser.js';
import { Link } from '../router.js';
import { app } from '../state/app.js';
import { Radios, Select } from '../ui/choice.js';
import { ConfirmButton } from '../ui/confirm.js';
import { Button, ErrorSummary, Field, formatDate, formatDateTime, PageTitle, TextArea, useAction } from '../ui/form.js';
import { Status, useLoad } from '../ui/status.js';
import { Td } from '../ui/table.js';
import { AGENCY_STATUS_LABELS, formatDay, optionsOf, SECTOR_LABELS, today } from '../ui/words.js';
import { AdminPage } from './admin.js';

/** An agency's standing in words: its status, and the dates that go with it. */
function standing(a: AgencyView): string {
  switch (a.status) {
    case 'notice_given':
      return `Notice given${a.noticeGivenAt ? ` on ${formatDate(a.noticeGivenAt)}` : ''}${
        a.withdrawalEffectiveAt ? `; leaves the agreement on ${formatDateTime(a.withdrawalEffectiveAt)}` : ''
      }`;
    case 'withdrawn':
      return `Withdrawn${a.withdrawnAt ? ` on ${formatDate(a.withdrawnAt)}` : ''}`;
    case 'suspended':
      return `Suspended${a.suspendedReason ? `: ${a.suspendedReason}` : ''}`;
    default:
      return AGENCY_STATUS_LABELS[a.status];
  }
}

/** Which version of the agreement the agency signed, and whether it must sign the current one. */
function signedText(a: AgencyView): string {
  if (!a.signedVersion) return 'Not signed';
  return `Version ${a.signedVersion}${a.signedOn ? `, ${formatDay(a.signedOn)}` : ''}${
    a.resignatureDue ? ' (must sign the current version)' : ''
  }`;
}

/** The signatory register: every agency, its status and the agreement version it signed. */
export function AdminAgencies() {
  const list = useLoad(() => app.secure.client.agencies());
  const [status, setStatus] = useState<string | null>(null);
  const isa = app.user.role === 'isa_admin';
  return (
    <AdminPage part="agencies" title="Agencies and the agreement">
      <PageTitle>Agencies and the agreement</PageTitle>
      <p>
        Only agencies that have signed the Information Sharing Agreement, and have not withdrawn or been suspended, can
        take part.
      </p>
      <Status>{status}</Status>
      <ErrorSummary error={list.error} />
      {list.data === null ? (
        !list.error && <p role="status">Loading the register…</p>
      ) : (
        <table class="table">
          <caption class="visually-hidden">Agencies on the register</caption>
          <thead>
            <tr>
              <th scope="col">Agency</th>
              <th scope="col">Sector</th>
              <th scope="col">Status</th>
              <th scope="col">Agreement signed</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((a) => (
              <tr key={a.id}>
                <th scope="row">
                  <Link href={`/admin/agencies/${a.id}`}>{a.name}</Link>
                  {a.id === app.me.value?.agency.id && <span class="hint"> (your agency)</span>}
                </th>
                <Td label="Sector">
                  {SECTOR_LABELS[a.sector]}
                  {a.deaS35Partner && <span class="covers">Digital Economy Act section 35 partner</span>}
                </Td>
                <Td label="Status">
                  <span class={`agency-status agency-${a.status}`}>{standing(a)}</span>
                </Td>
                <Td label="Agreement signed">{signedText(a)}</Td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {isa && (
        <RegisterAgency
          onDone={(a) => {
            setStatus(`Registered ${a.name}. Record its signature of the agreement on its page.`);
            void list.reload();
          }}
        />
      )}
    </AdminPage>
  );
}

function RegisterAgency({ onDone }: { onDone: (a: AgencyView) => void }) {
  const [name, setName] = useState('');
  const [sector, setSector] = useState<AgencySector | ''>('');
  const [s35, setS35] = useState<'yes' | 'no'>('no');
  const add = useAction(async () => {
    if (!sector) throw new Error('Choose the agency’s sector.');
    const a = await app.secure.client.registerAgency({ name: name.trim(), sector, deaS35Partner: s35 === 'yes' });
    setName('');
    setSector('');
    setS35('no');
    onDone(a);
  });
  return (
    <details class="panel">
      <summary>Register an agency</summary>
      <form
        aria-label="Register an agency"
        onSubmit={(e) => {
          e.preventDefault();
          void add.run();
        }}
      >
        <ErrorSummary error={add.error} />
        <Field label="Agency name" autoComplete="organization" required value={name} onInput={setName} />
        <Select
          label="Sector"
          value={sector}
          placeholder="Choose a sector"
          options={optionsOf(SECTOR_LABELS)}
          onChange={setSector}
          required
        />
        <Radios
          legend="Is it a Digital Economy Act 2017 section 35 partner?"
          hint="A specified person who may share for well-being purposes."
          name="s35"
          value={s35}
          options={[
            { value: 'yes', label: 'Yes' },
            { value: 'no', label: 'No' },
          ]}
          onChange={setS35}
          inline
        />
        <Button type="submit" busy={add.busy}>
          Register agency
        </Button>
      </form>
    </details>
  );
}

/**
 * One agency: its standing, its signatures of the agreement (the ISA team, the auditor and the agency's
 * own administrator may see them), and for the ISA team: recording a signature, notice of withdrawal,
 * suspension and reinstatement.
 */
export function AdminAgency({ params }: { params: Record<string, string> }) {
  const agency = useLoad(() => app.secure.client.agency(params.id), [params.id]);
  const role = app.user.role;
  const mayReadSignatures = role === 'isa_admin' || role === 'auditor' || app.me.value?.agency.id === params.id;
  const signatures = useLoad(
    async (): Promise<SignatureView[] | null> =>
      mayReadSignatures ? app.secure.client.agencySignatures(params.id) : null,
    [params.id],
  );
  const [status, setStatus] = useState<string | null>(null);
  const a = agency.data;
  const changed = async (said: string) => {
    setStatus(said);
    await Promise.all([agency.reload(), signatures.reload()]);
  };
  return (
    <AdminPage part="agencies" title="Agency">
      <p class="breadcrumb">
        <Link href="/admin/agencies">All agencies</Link>
      </p>
      <PageTitle title={a?.name ?? 'Agency'}>{a?.name ?? 'Agency'}</PageTitle>
      <ErrorSummary error={agency.error} />
      <Status>{status}</Status>
      {!a ? (
        !agency.error && <p role="status">Loading…</p>
      ) : (
        <>
          <dl class="summary">
            <div>
              <dt>Status</dt>
              <dd>{standing(a)}</dd>
            </div>
            <div>
              <dt>Sector</dt>
              <dd>{SECTOR_LABELS[a.sector]}</dd>
            </div>
            <div>
              <dt>Agreement signed</dt>
              <dd>{signedText(a)}</dd>
            </div>
            <div>
              <dt>Digital Economy Act section 35 partner</dt>
              <dd>{a.deaS35Partner ? 'Yes' : 'No'}</dd>
            </div>
          </dl>
          <h2>Signatures of the agreement</h2>
          {!mayReadSignatures ? (
            <p>Only the ISA team, auditors and the agency’s own administrator can see its signatures.</p>
          ) : (
            <>
              <ErrorSummary error={signatures.error} />
              {signatures.data && signatures.data.length === 0 && <p>The agency has not signed the agreement.</p>}
              {signatures.data && signatures.data.length > 0 && (
                <table class="table">
                  <caption class="visually-hidden">Signatures of the agreement, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Version</th>
                      <th scope="col">Signed by</th>
                      <th scope="col">Signed on</th>
                      <th scope="col">Recorded</th>
                    </tr>
                  </thead>
                  <tbody>
                    {signatures.data.map((s) => (
                      <tr key={s.id}>
                        <th scope="row">Version {s.agreementLabel}</th>
                        <Td label="Signed by">
                          {s.signatoryName}, {s.signatoryTitle}, {s.signatoryOrganisation}
                        </Td>
                        <Td label="Signed on">{formatDay(s.signedOn)}</Td>
                        <Td label="Recorded">{formatDate(s.createdAt)}</Td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          )}
          {role === 'isa_admin' && <IsaActions agency={a} onChanged={(said) => void changed(said)} />}
        </>
      )}
    </AdminPage>
  );
}

/** The ISA team's changes to an agency's standing, each offered only where the server allows it. */
function IsaActions({ agency, onChanged }: { agency: AgencyView; onChanged: (said: string) => void }) {
  const a = agency;
  const client = app.secure.client;
  const [reason, setReason] = useState('');
  const [noticeOn, setNoticeOn] = useState('');
  const [noticeReason, setNoticeReason] = useState('');
  return (
    <>
      <h2>Change the agency’s standing</h2>
      {(a.status === 'registered' || a.status === 'signed') && (
        <RecordSignature agency={a} onDone={(next) => onChanged(`Recorded ${next.name}’s signature.`)} />
      )}
      {a.status === 'signed' && (
        <div class="action-block">
          <h3>Notice of withdrawal</h3>
          <p>The agency leaves the agreement one calendar month after its written notice.</p>
          <ConfirmButton
            variant="secondary"
            label="Record notice of withdrawal"
            question={`Record ${a.name}’s notice to withdraw? Its people lose access one month after the notice date.`}
            confirmLabel="Yes, record notice"
            ready={!noticeOn || noticeOn >= today() || noticeReason.trim().length > 0}
            onConfirm={async () => {
              // Today's notice is dated now; an earlier letter at midday of the day it came.
              const given = noticeOn && noticeOn < today() ? new Date(`${noticeOn}T12:00:00`).toISOString() : undefined;
              await client.giveNotice(a.id, given, given ? noticeReason.trim() : undefined);
              onChanged(`Recorded ${a.name}’s notice of withdrawal.`);
            }}
          >
            <Field
              label="Date the written notice was received (optional)"
              hint="Leave empty for today. An earlier date brings the withdrawal closer and needs a reason."
              type="date"
              max={today()}
              value={noticeOn}
              onInput={setNoticeOn}
            />
            {noticeOn && noticeOn < today() && (
              <TextArea
                label="Why the notice is recorded late"
                hint="Kept in the audit log, which can never be changed: name no one."
                value={noticeReason}
                onInput={setNoticeReason}
              />
            )}
          </ConfirmButton>
        </div>
      )}
      {(a.status === 'signed' || a.status === 'notice_given') && (
        <div class="action-block">
          <h3>Suspend</h3>
          <p>While suspended, the agency’s people cannot sign in to shared spaces.</p>
          <ConfirmButton
            variant="warning"
            label="Suspend the agency"
            question={`Suspend ${a.name}? Its people lose access at once.`}
            confirmLabel="Yes, suspend"
            ready={reason.trim().length > 0}
            onConfirm={async () => {
              await client.suspendAgency(a.id, reason.trim());
              setReason('');
              onChanged(`${a.name} is suspended.`);
            }}
          >
            <TextArea
              label="Reason"
              hint="Kept with the agency and in the audit log."
              value={reason}
              onInput={setReason}
            />
          </ConfirmButton>
        </div>
      )}
      {a.status === 'suspended' && (
        <div class="action-block">
          <h3>Reinstate</h3>
          <p>The agency returns to the standing it had before it was suspended.</p>
          <ConfirmButton
            variant="secondary"
            label="Reinstate the agency"
            question={`Reinstate ${a.name}?`}
            confirmLabel="Yes, reinstate"
            onConfirm={async () => {
              await client.reinstateAgency(a.id);
              onChanged(`${a.name} is reinstated.`);
            }}
          />
        </div>
      )}
      {a.status === 'withdrawn' && <p>The agency has withdrawn. To take part again it is registered afresh.</p>}
    </>
  );
}

/** The signature of the current agreement version by the agency's signatory. */
function RecordSignature({ agency, onDone }: { agency: AgencyView; onDone: (a: AgencyView) => void }) {
  const [name, setName] = useState('');
  const [title, setTitle] = useState('');
  const [signedOn, setSignedOn] = useState(today());
  const sign = useAction(async () => {
    const next = await app.secure.client.signAgency(agency.id, {
      signatoryName: name.trim(),
      signatoryTitle: title.trim(),
      signedOn,
    });
    setName('');
    setTitle('');
    onDone(next);
  });
  return (
    <details class="panel">
      <summary>Record a signature of the current agreement</summary>
      <form
        aria-label="Record a signature"
        onSubmit={(e) => {
          e.preventDefault();
          void sign.run();
        }}
      >
        <ErrorSummary error={sign.error} />
        <Field label="Signatory’s name" autoComplete="off" required value={name} onInput={setName} />
        <Field label="Signatory’s job title" autoComplete="off" required value={title} onInput={setTitle} />
        <Field label="Date signed" type="date" max={today()} required value={signedOn} onInput={setSignedOn} />
        <Button type="submit" busy={sign.busy}>
          Record signature
        </Button>
      </form>
    </details>
  );
}
