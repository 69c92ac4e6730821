import { useEffect, useRef, useState } from 'preact/hooks';
import { fileSizeInWords, type ReferralReceipt, type ReferralView } from '../../../sdk/browser.js';
import { FileDownload } from '../ui/file-download.js';
import { Link } from '../router.js';
import { app } from '../state/app.js';
import { listenLive } from '../state/live.js';
import {
  capitalise,
  categoriesText,
  DECISION_LABELS,
  FAMILY_CONSENT_SUMMARY,
  NEXT_FOR_REFERRER,
  REFERRAL_STATE_LABELS,
  SHARE_BASIS_LABELS,
  SUBJECT_ROLE_LABELS,
  timelineText,
  URGENCY_LABELS,
  type Namer,
} from '../state/referral-words.js';
import {
  isHubWorker,
  isNotYours,
  loadReferral,
  namer,
  referralSettings,
  type ReferralPage,
} from '../state/referrals.js';
import { ErrorSummary, formatDateTime, PageTitle } from '../ui/form.js';
import { Status } from '../ui/status.js';
import { Td } from '../ui/table.js';
import { formatDay, LAWFUL_BASIS_LABELS } from '../ui/words.js';
import { CloseReferral, DecideReferral, GiveKeys, RateReferral, ShareReferral, TakeOn } from './referral-actions.js';
import { Deadline, RagTag, useNow } from './referral-parts.js';
import { ReferralRequests } from './request-list.js';

const REF = /^MASH-\d{4}-\d{6}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** States in which the hub still screens, shares and decides. */
const OPEN = ['screening', 'information_gathering'];

/**
 * One referral. The hub's staff and the partners it was shared with see all of it (opened on this
 * device): who it is about, the concern, ratings, shares and their basis, the decision and the timeline,
 * and the hub acts on it here. The person who made it sees what they sent until the hub takes it on, and
 * from then on only its receipt: where it stands, the rating and the decision.
 */
export function Referral({ params }: { params: Record<string, string> }) {
  const ref = params.ref;
  const [page, setPage] = useState<ReferralPage | null>(null);
  const [hub, setHub] = useState(false);
  const [gone, setGone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const live = useRef<{ stopped: boolean; id: string | null }>({ stopped: false, id: null });

  const refresh = async () => {
    try {
      const [p, settings] = await Promise.all([loadReferral(app.secure, ref), referralSettings()]);
      if (live.current.stopped) return;
      live.current.id = p.receipt.id;
      setHub(isHubWorker(p.view?.hubAgencyId ?? settings.hubAgencyId));
      setPage(p);
      setError(null);
    } catch (err) {
      if (live.current.stopped) return;
      if (isNotYours(err)) {
        setGone(
          `You cannot open referral ${ref}: there is no such referral, or it has not been shared with you. ` +
            'A referral is seen only by the MASH hub’s staff, the person who made it, and the partners the hub shares it with.',
        );
      } else setError(app.failed(err));
    }
  };

  useEffect(() => {
    if (!REF.test(ref) && !UUID.test(ref)) {
      setGone('There is no referral at this address. A referral’s reference looks like MASH-2026-000123.');
      return;
    }
    live.current = { stopped: false, id: null };
    void refresh();
    const stop = listenLive((rt) => [
      rt.on('referral.updated', (e) => {
        if (e.referralId === live.current.id || e.ref === ref) void refresh();
      }),
    ]);
    return () => {
      live.current.stopped = true;
      stop();
    };
  }, [ref]);

  const changed = async (said: string) => {
    setStatus(said);
    await refresh();
  };

  if (gone) {
    return (
      <main id="main" class="narrow">
        <PageTitle>Referral not available</PageTitle>
        <p role="alert">{gone}</p>
        <p>
          <Link href="/referrals">Go to your referrals</Link>
        </p>
      </main>
    );
  }
  if (!page) {
    return (
      <main id="main">
        <PageTitle title={`Referral ${ref}`}>Referral {ref}</PageTitle>
        <ErrorSummary error={error} />
        {!error && <p role="status">Opening the referral…</p>}
      </main>
    );
  }
  return page.view ? (
    <FullReferral page={page} view={page.view} hub={hub} status={status} error={error} onChanged={changed} />
  ) : (
    <Receipt receipt={page.receipt} error={error} />
  );
}

/** The referrer's view once the hub has taken the referral on: the outcome, never what others wrote. */
function Receipt({ receipt: r, error }: { receipt: ReferralReceipt; error: string | null }) {
  return (
    <main id="main" class="narrow">
      <PageTitle title={`Referral ${r.ref ?? ''}`}>Referral {r.ref}</PageTitle>
      <ErrorSummary error={error} />
      <p>
        The MASH hub has taken this referral on. You see where it stands, its rating and the hub’s decision, but not
        what the hub or partner agencies write about it: that stays with the people working on it.
      </p>
      <dl class="summary">
        <div>
          <dt>Reference</dt>
          <dd>{r.ref}</dd>
        </div>
        {r.receivedAt && (
          <div>
            <dt>Sent</dt>
            <dd>{formatDateTime(r.receivedAt)}</dd>
          </div>
        )}
        {r.acknowledgedAt && (
          <div>
            <dt>Acknowledged by the hub</dt>
            <dd>{formatDateTime(r.acknowledgedAt)}</dd>
          </div>
        )}
        <div>
          <dt>Concern</dt>
          <dd>{categoriesText(r.categories)}</dd>
        </div>
        {r.urgency && (
          <div>
            <dt>You asked for</dt>
            <dd>{URGENCY_LABELS[r.urgency]} attention</dd>
          </div>
        )}
        <div>
          <dt>Where it is</dt>
          <dd>{REFERRAL_STATE_LABELS[r.state]}</dd>
        </div>
        <div>
          <dt>Rating</dt>
          <dd>
            <RagTag rag={r.rag} />
            {r.ratedAt && <> on {formatDateTime(r.ratedAt)}</>}
          </dd>
        </div>
        <div>
          <dt>Decision</dt>
          <dd>
            {r.decision ? (
              <>
                <strong>{DECISION_LABELS[r.decision]}</strong>
                {r.decidedAt && <>, on {formatDateTime(r.decidedAt)}</>}
              </>
            ) : (
              'Not decided yet'
            )}
          </dd>
        </div>
        {r.closedAt && (
          <div>
            <dt>Closed</dt>
            <dd>{formatDateTime(r.closedAt)}</dd>
          </div>
        )}
      </dl>
      <p>{NEXT_FOR_REFERRER[r.state]}</p>
      <p>
        <Link href="/referrals">Back to your referrals</Link>
      </p>
    </main>
  );
}

function FullReferral(props: {
  page: ReferralPage;
  view: ReferralView;
  hub: boolean;
  status: string | null;
  error: string | null;
  onChanged: (said: string) => Promise<void>;
}) {
  const { page, view: v, hub, onChanged } = props;
  const now = useNow();
  const me = app.user.id;
  const name = namer(me, page.people);
  const withAgency = (id: string | null) => {
    const p = id ? page.people.get(id) : undefined;
    return p && id !== me ? `${p.name} (${p.agency})` : capitalise(name(id));
  };
  const open = OPEN.includes(v.state);
  const decided = v.timeline.filter((e) => e.kind === 'decided').at(-1);
  const familyRef = typeof decided?.details.familyRef === 'string' ? decided.details.familyRef : null;
  const isReferrer = v.referrerUserId === me;
  return (
    <main id="main">
      <PageTitle title={`Referral ${v.ref ?? ''}`}>Referral {v.ref}</PageTitle>
      <ErrorSummary error={props.error} />
      {isReferrer && !hub && (
        <p class="notice">
          The hub has not taken this referral on yet, so you can still read what you sent. Once a hub worker takes it
          on, you will see only its rating and the hub’s decision.
        </p>
      )}
      <dl class="summary">
        <div>
          <dt>Where it is</dt>
          <dd>{REFERRAL_STATE_LABELS[v.state]}</dd>
        </div>
        <div>
          <dt>Rating</dt>
          <dd>
            <RagTag rag={v.rag} />
          </dd>
        </div>
        {v.deadlineAt && (v.state === 'received' || open) && (
          <div>
            <dt>Screening due</dt>
            <dd>
              <Deadline at={v.deadlineAt} overdue={v.overdue} now={now} />
            </dd>
          </div>
        )}
        {v.urgency && (
          <div>
            <dt>Asked for</dt>
            <dd>{URGENCY_LABELS[v.urgency]} attention</dd>
          </div>
        )}
        <div>
          <dt>Concern</dt>
          <dd>{categoriesText(v.categories)}</dd>
        </div>
        <div>
          <dt>The family</dt>
          <dd>{v.familyConsent ? FAMILY_CONSENT_SUMMARY[v.familyConsent] : 'Not recorded'}</dd>
        </div>
        <div>
          <dt>Made by</dt>
          <dd>
            {isReferrer ? 'You' : page.people.has(v.referrerUserId) ? withAgency(v.referrerUserId) : 'A practitioner'}
            {!page.people.has(v.referrerUserId) && !isReferrer && page.agencies.get(v.referrerAgencyId)
              ? ` of ${page.agencies.get(v.referrerAgencyId)}`
              : ''}
          </dd>
        </div>
        {v.receivedAt && (
          <div>
            <dt>Received and acknowledged</dt>
            <dd>{formatDateTime(v.acknowledgedAt ?? v.receivedAt)}</dd>
          </div>
        )}
        <div>
          <dt>Taken on by</dt>
          <dd>{v.assignedTo ? withAgency(v.assignedTo) : 'Nobody yet'}</dd>
        </div>
        <div>
          <dt>Decision</dt>
          <dd>{v.decision ? DECISION_LABELS[v.decision] : 'Not decided yet'}</dd>
        </div>
      </dl>
      {page.people.has(me) && (
        <p>
          <Link href={`/channels/${v.channelId}`}>Open the referral’s conversation</Link> (messages with the people
          working on it)
        </p>
      )}
      {page.unreadable && (
        <p class="warning-text" role="note">
          {page.unreadable}
        </p>
      )}
      {page.opened && page.opened.problems.length > 0 && (
        <div class="warning-text" role="alert">
          <p>Parts of this referral could not be verified on this device, so they are not shown:</p>
          <ul>
            {page.opened.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
          <p>Tell the hub’s manager: someone may have changed the record on the server.</p>
        </div>
      )}
      <Status>{props.status}</Status>
      <nav aria-label="On this page" class="page-contents">
        <ul>
          {[
            ['subjects', 'Who it is about'],
            ['concern', 'The concern'],
            ['screening', 'Screening'],
            ['sharing', 'Shared with partners'],
            ...(hub ? [['requests', 'Information requests']] : []),
            ['decision', 'Decision'],
            ['timeline', 'Timeline'],
          ].map(([id, label]) => (
            <li key={id}>
              <a href={`#${id}`}>{label}</a>
            </li>
          ))}
        </ul>
      </nav>

      <section aria-labelledby="subjects">
        <h2 id="subjects" tabIndex={-1}>
          Who it is about
        </h2>
        <Subjects page={page} view={v} />
      </section>

      <section aria-labelledby="concern">
        <h2 id="concern" tabIndex={-1}>
          The concern
        </h2>
        <Concern page={page} />
      </section>

      <section aria-labelledby="screening">
        <h2 id="screening" tabIndex={-1}>
          Screening
        </h2>
        <Ratings page={page} view={v} name={name} />
        {hub && (v.state === 'received' || open) && v.assignedTo !== me && (
          <TakeOn view={v} assignedName={v.assignedTo ? withAgency(v.assignedTo) : null} onDone={onChanged} />
        )}
        {hub && open && <RateReferral view={v} onDone={onChanged} />}
      </section>

      <section aria-labelledby="sharing">
        <h2 id="sharing" tabIndex={-1}>
          Shared with partners
        </h2>
        <Shares page={page} view={v} name={name} hub={hub} onChanged={onChanged} />
        {hub && open && <ShareReferral view={v} onDone={onChanged} />}
      </section>

      {hub && (
        <section aria-labelledby="requests">
          <h2 id="requests" tabIndex={-1}>
            Information requests
          </h2>
          <ReferralRequests view={v} canAsk={open} />
        </section>
      )}

      <section aria-labelledby="decision">
        <h2 id="decision" tabIndex={-1}>
          Decision
        </h2>
        {v.decision ? (
          <dl class="summary">
            <div>
              <dt>Decision</dt>
              <dd>
                <strong>{DECISION_LABELS[v.decision]}</strong>
              </dd>
            </div>
            <div>
              <dt>Why</dt>
              <dd class="prose">
                {page.opened?.decisionRationale ??
                  (page.unreadable
                    ? 'Cannot be shown on this device.'
                    : v.decisionRationale
                      ? NOT_VERIFIED
                      : 'Not given')}
              </dd>
            </div>
            {familyRef && (
              <div>
                <dt>Family</dt>
                <dd>{familyRef}</dd>
              </div>
            )}
            <div>
              <dt>Decided by</dt>
              <dd>
                {withAgency(v.decidedBy)}
                {v.decidedAt && <>, {formatDateTime(v.decidedAt)}</>}
              </dd>
            </div>
          </dl>
        ) : (
          <p>Not decided yet.</p>
        )}
        {hub && open && <DecideReferral view={v} onDone={onChanged} />}
        {hub && v.state === 'decided' && <CloseReferral view={v} onDone={onChanged} />}
      </section>

      <section aria-labelledby="timeline">
        <h2 id="timeline" tabIndex={-1}>
          Timeline
        </h2>
        <ol class="timeline">
          {v.timeline.map((e, i) => (
            <li key={`${e.at}-${i}`}>
              <time dateTime={e.at}>{formatDateTime(e.at)}</time>{' '}
              <span>{capitalise(timelineText(e, name, formatDateTime, (id) => page.agencies.get(id)))}</span>
            </li>
          ))}
        </ol>
      </section>
      <p>
        <Link href={hub ? '/referrals/queue' : '/referrals'}>
          {hub ? 'Back to the hub’s queue' : 'Back to referrals'}
        </Link>
      </p>
    </main>
  );
}

/** In place of a part that did not open as part of this referral (the warning at the top says more). */
const NOT_VERIFIED = 'Not shown: it could not be verified.';

function Subjects({ page, view }: { page: ReferralPage; view: ReferralView }) {
  if (!page.opened) {
    const children = view.subjects.filter((s) => s.role === 'child').length;
    return (
      <p>
        {children} {children === 1 ? 'child' : 'children'} and {view.subjects.length - children}{' '}
        {view.subjects.length - children === 1 ? 'adult' : 'adults'}. Their names cannot be shown on this device.
      </p>
    );
  }
  return (
    <table class="table">
      <caption class="visually-hidden">The children and adults the referral is about</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Child or adult</th>
          <th scope="col">Date of birth</th>
        </tr>
      </thead>
      <tbody>
        {page.opened.subjects.map((s) => (
          <tr key={s.id}>
            <th scope="row" class="prose">
              {s.details ? s.details.name : NOT_VERIFIED}
            </th>
            <Td label="Child or adult">{SUBJECT_ROLE_LABELS[s.role]}</Td>
            <Td label="Date of birth">
              {s.details?.dateOfBirth ? formatDay(s.details.dateOfBirth) : s.details ? 'Not known' : NOT_VERIFIED}
            </Td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Concern({ page }: { page: ReferralPage }) {
  const c = page.opened?.content;
  if (!c) {
    if (page.opened && page.view?.content) return <p>{NOT_VERIFIED}</p>;
    return <p>{page.unreadable ? 'It cannot be shown on this device.' : 'Nothing was written.'}</p>;
  }
  return (
    <dl class="summary">
      <div>
        <dt>What happened</dt>
        <dd class="prose">{c.concern}</dd>
      </div>
      {c.when && (
        <div>
          <dt>When</dt>
          <dd class="prose">{c.when}</dd>
        </div>
      )}
      {c.evidence && (
        <div>
          <dt>Evidence</dt>
          <dd class="prose">{c.evidence}</dd>
        </div>
      )}
      {c.consentNote && (
        <div>
          <dt>Why the family has not agreed</dt>
          <dd class="prose">{c.consentNote}</dd>
        </div>
      )}
      {c.files && c.files.length > 0 && (
        <div>
          <dt>Files</dt>
          <dd>
            <ul class="plain-list">
              {c.files.map((f) => (
                <li key={f.attachmentId} class="prose">
                  {f.name} ({fileSizeInWords(f.size)}) <FileDownload file={f} />
                </li>
              ))}
            </ul>
          </dd>
        </div>
      )}
    </dl>
  );
}

function Ratings({ page, view, name }: { page: ReferralPage; view: ReferralView; name: Namer }) {
  if (view.ratings.length === 0) return <p>Not rated yet.</p>;
  const rationale = new Map(page.opened?.ratings.map((r) => [r.id, r.rationale]) ?? []);
  return (
    <table class="table">
      <caption class="visually-hidden">Ratings, oldest first</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Rating</th>
          <th scope="col">Why</th>
          <th scope="col">Rated by</th>
          <th scope="col">Screening due by</th>
        </tr>
      </thead>
      <tbody>
        {view.ratings.map((r) => (
          <tr key={r.id}>
            <th scope="row">{formatDateTime(r.ratedAt)}</th>
            <Td label="Rating">
              <RagTag rag={r.rag} />
            </Td>
            <Td label="Why" class="prose">
              {page.opened ? (rationale.get(r.id) ?? NOT_VERIFIED) : 'Cannot be shown on this device.'}
            </Td>
            <Td label="Rated by">{capitalise(name(r.ratedBy))}</Td>
            <Td label="Screening due by">{formatDateTime(r.deadlineAt)}</Td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Shares(props: {
  page: ReferralPage;
  view: ReferralView;
  name: Namer;
  hub: boolean;
  onChanged: (said: string) => Promise<void>;
}) {
  const { page, view, name } = props;
  if (view.shares.length === 0) return <p>Not shared with any partner yet.</p>;
  const justification = new Map(page.opened?.shares.map((s) => [s.id, s.justification]) ?? []);
  return (
    <table class="table">
      <caption class="visually-hidden">Partners the referral was shared with, and on what basis</caption>
      <thead>
        <tr>
          <th scope="col">Shared with</th>
          <th scope="col">Basis</th>
          <th scope="col">Why</th>
          <th scope="col">Shared</th>
        </tr>
      </thead>
      <tbody>
        {view.shares.map((s) => (
          <tr key={s.id}>
            <th scope="row">
              {capitalise(name(s.userId))}
              <span class="covers">{page.agencies.get(s.agencyId) ?? 'A partner agency'}</span>
            </th>
            <Td label="Basis">
              {SHARE_BASIS_LABELS[s.basis]}
              {s.lawfulBasis && <span class="covers">{LAWFUL_BASIS_LABELS[s.lawfulBasis]}</span>}
            </Td>
            <Td label="Why" class="prose">
              {s.basis === 'consent'
                ? 'The family agreed to the referral being shared.'
                : page.opened
                  ? (justification.get(s.id) ?? NOT_VERIFIED)
                  : 'Cannot be shown on this device.'}
            </Td>
            <Td label="Shared">
              {formatDateTime(s.sharedAt)} by {name(s.sharedBy)}
              {props.hub && <GiveKeys view={view} userId={s.userId} who={name(s.userId)} onDone={props.onChanged} />}
            </Td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
