import { useState } from 'preact/hooks';
import type { ConsentRegisterView, FamilySummary, FamilyView } from '../../../sdk/browser.js';
import { Link, navigate } from '../router.js';
import { app } from '../state/app.js';
import { useObservable } from '../state/observable.js';
import { canChangeRecord, inSentence, loadFamily, namesOf, type FamilyRecord } from '../state/family.js';
import { Button, ErrorSummary, formatDate, formatDateTime, PageTitle, useAction } from '../ui/form.js';
import { Status, useLoad } from '../ui/status.js';
import { Td } from '../ui/table.js';
import { count } from '../ui/words.js';
import { AddMember, FamilyMembers } from './family-members.js';
import { ConsentRegister, RecordConsent, RecordLawfulBasis, RecordNotice } from './family-consent.js';
import { ChangeLocality, localityText, LocalityChoice } from './family-locality.js';
import { FamilyPlan } from './family-plan.js';
import { FamilyRequests } from './request-list.js';

/** A family in the list, with its lead worker's name and how many members it has. */
interface ListedFamily extends FamilySummary {
  leadName: string;
  memberCount: number;
}

/** The families whose conversation the person is in, by reference; a practitioner may open a new one. */
export function Families() {
  // Joining a family's conversation elsewhere (another lead worker adds this person) shows here too.
  const changes = useObservable(app.changes);
  const list = useLoad(async (): Promise<ListedFamily[]> => {
    const families = await app.secure.client.families();
    const views = await Promise.all(families.map((f) => app.secure.client.family(f.id)));
    return families.map((f, i) => ({
      ...f,
      leadName: f.youAreLead ? 'You' : views[i].leadWorker.displayName,
      memberCount: views[i].members.length,
    }));
  }, [changes]);
  const [localityId, setLocalityId] = useState<string | null>(null);
  const open = useAction(async () => {
    const f: FamilyView = await app.secure.client.createFamily(localityId ? { localityId } : {});
    try {
      // The family's conversation needs its first key before anything can be written in it.
      await app.secure.rotate(f.channelId);
    } finally {
      // Listed even if that failed: opening it later (or writing in it) makes the key then.
      app.changed();
    }
    navigate(`/families/${f.id}`);
  });
  const practitioner = app.user.role === 'practitioner';
  return (
    <main id="main">
      <PageTitle>Families</PageTitle>
      <p>
        Families are known by their reference. Names and everything written about a family are encrypted on your device
        and only the professionals working with the family can read them.
      </p>
      {practitioner && (
        <>
          <ErrorSummary error={open.error} />
          <LocalityChoice value={localityId ?? ''} onChange={setLocalityId} />
          <p>
            <Button busy={open.busy} onClick={() => void open.run()}>
              Open a new family
            </Button>
          </p>
          <p class="hint">You will be its lead worker. It gets a new reference and its own conversation.</p>
        </>
      )}
      <ErrorSummary error={list.error} />
      {list.data === null ? (
        !list.error && <p role="status">Loading your families…</p>
      ) : list.data.length === 0 ? (
        <p>You are not working with any families yet.</p>
      ) : (
        <table class="table">
          <caption class="visually-hidden">Your families</caption>
          <thead>
            <tr>
              <th scope="col">Reference</th>
              <th scope="col">Locality</th>
              <th scope="col">Lead worker</th>
              <th scope="col">Family members</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((f) => (
              <tr key={f.id}>
                <th scope="row">
                  <Link href={`/families/${f.id}`}>{f.ref}</Link>
                </th>
                <Td label="Locality">{localityText(f.locality)}</Td>
                <Td label="Lead worker">{f.leadName}</Td>
                <Td label="Family members">{count(f.memberCount, 'member')}</Td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

/**
 * One family: its lead worker, members (details opened on this device), the consent register, the
 * whole-family plan with its progress, and a link to its conversation. The lead worker (or the chair
 * of the family's conversation) adds members and records consent here.
 */
export function Family({ params }: { params: Record<string, string> }) {
  const loaded = useLoad(() => loadFamily(params.id), [params.id]);
  const [record, setRecord] = useState<FamilyRecord | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const r = record && record.family.id === params.id ? record : loaded.data;
  if (!r) {
    return (
      <main id="main">
        <PageTitle>Family</PageTitle>
        <ErrorSummary error={loaded.error} />
        {!loaded.error && <p role="status">Opening the family’s record…</p>}
        <p>
          <Link href="/families">Back to your families</Link>
        </p>
      </main>
    );
  }
  const { family, channel } = r;
  const canChange = canChangeRecord(r);
  const who = namesOf(channel);
  const reload = async (said: string) => {
    setStatus(said);
    try {
      setRecord(await loadFamily(family.id));
    } catch (err) {
      setStatus(`${said} The page could not be brought up to date: ${app.failed(err)}`);
    }
  };
  const registered = (register: ConsentRegisterView, said: string) => {
    setStatus(said);
    setRecord({ ...r, register });
  };
  return (
    <main id="main">
      <PageTitle title={`Family ${family.ref}`}>Family {family.ref}</PageTitle>
      <dl class="summary">
        <div>
          <dt>Lead worker</dt>
          <dd>
            {family.leadWorker.userId === app.user.id
              ? 'You'
              : channel.members.some((m) => m.userId === family.leadWorker.userId)
                ? who(family.leadWorker.userId)
                : family.leadWorker.displayName}
            {family.leadHandOverNeeded && (
              <span class="covers">
                Has left: the family waits for a new lead worker, set by their agency’s administrator.
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>Locality</dt>
          <dd>{localityText(family.locality)}</dd>
        </div>
        <div>
          <dt>Opened</dt>
          <dd>{formatDate(family.createdAt)}</dd>
        </div>
        <div>
          <dt>Family members</dt>
          <dd>{r.members.length}</dd>
        </div>
      </dl>
      <p>
        <Link href={`/channels/${family.channelId}`}>Open the family’s conversation</Link> (messages, and the people
        working with the family)
      </p>
      {r.register.sharing.restriction && (
        <p class="warning-text" role="note">
          {r.register.sharing.restriction.message}
        </p>
      )}
      {family.leadWorker.userId === app.user.id && (
        <ChangeLocality family={family} onChanged={(said) => void reload(said)} />
      )}
      <Status>{status}</Status>
      <nav aria-label="On this page" class="page-contents">
        <ul>
          <li>
            <a href="#members">Family members</a>
          </li>
          <li>
            <a href="#consent">Consent and sharing</a>
          </li>
          <li>
            <a href="#plan">Whole-family plan</a>
          </li>
          <li>
            <a href="#requests">Information requests</a>
          </li>
          <li>
            <a href="#lead">Lead worker history</a>
          </li>
        </ul>
      </nav>

      <section aria-labelledby="members">
        <h2 id="members" tabIndex={-1}>
          Family members
        </h2>
        <FamilyMembers record={r} />
        {canChange ? (
          <AddMember family={family} onAdded={(said) => void reload(said)} />
        ) : (
          <p class="hint">Only the lead worker, or the chair of the family’s conversation, can add family members.</p>
        )}
      </section>

      <section aria-labelledby="consent">
        <h2 id="consent" tabIndex={-1}>
          Consent and sharing
        </h2>
        <ConsentRegister record={r} who={who} />
        {canChange && r.members.length > 0 && (
          <>
            <RecordConsent record={r} onRecorded={registered} />
            <RecordNotice record={r} onRecorded={registered} />
          </>
        )}
        {canChange && <RecordLawfulBasis record={r} onRecorded={registered} />}
        {canChange && r.members.length === 0 && <p>Add a family member first, then record their consent here.</p>}
      </section>

      <section aria-labelledby="plan">
        <h2 id="plan" tabIndex={-1}>
          Whole-family plan
        </h2>
        <FamilyPlan record={r} who={who} canChange={canChange} onStatus={setStatus} />
      </section>

      <section aria-labelledby="requests">
        <h2 id="requests" tabIndex={-1}>
          Information requests
        </h2>
        <FamilyRequests record={r} />
      </section>

      <section aria-labelledby="lead">
        <h2 id="lead" tabIndex={-1}>
          Lead worker history
        </h2>
        <LeadHistory family={family} who={who} />
      </section>
    </main>
  );
}

function LeadHistory({ family, who }: { family: FamilyView; who: (id: string | null) => string }) {
  if (family.leadHistory.length === 0) return <p>No changes recorded.</p>;
  return (
    <table class="table">
      <caption class="visually-hidden">Lead worker history, oldest first</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Change</th>
          <th scope="col">Made by</th>
        </tr>
      </thead>
      <tbody>
        {family.leadHistory.map((h) => (
          <tr key={h.changedAt}>
            <th scope="row">{formatDateTime(h.changedAt)}</th>
            <Td label="Change">
              {h.fromUserId === null
                ? `Family opened with ${inSentence(who(h.toUserId))} as lead worker`
                : `Handed over from ${inSentence(who(h.fromUserId))} to ${inSentence(who(h.toUserId))}`}
            </Td>
            <Td label="Made by">{who(h.changedBy)}</Td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
