import { useEffect, useRef, useState } from 'preact/hooks';
import { fileSizeInWords, type InformationRequestView } from '../../../sdk/browser.js';
import { Link } from '../router.js';
import { app } from '../state/app.js';
import { listenLive } from '../state/live.js';
import { isOpen, REQUEST_STATE_LABELS, requestTimeline, subjectHref, subjectText } from '../state/request-words.js';
import { isNotYours, isNotYourToAnswer, loadRequest, type RequestPage } from '../state/requests.js';
import { FileDownload } from '../ui/file-download.js';
import { ErrorSummary, formatDateTime, PageTitle } from '../ui/form.js';
import { Status } from '../ui/status.js';
import {
  AcceptRequest,
  AssignRequest,
  CloseRequest,
  DeclineRequest,
  GiveKeysAgain,
  ProvideAnswer,
  WithdrawRequest,
} from './request-actions.js';
import { Deadline, useNow } from './referral-parts.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One information request: what is asked and why (opened on this device), who asked whom and by when,
 * where it stands, and the answer or the reason for declining. The agency asked accepts, assigns,
 * answers or declines here; the people who asked withdraw or close it. Kept current live.
 */
export function InformationRequest({ params }: { params: Record<string, string> }) {
  const id = params.id;
  const [page, setPage] = useState<RequestPage | null>(null);
  const [gone, setGone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const stopped = useRef(false);

  const refresh = async () => {
    try {
      const p = await loadRequest(id);
      if (stopped.current) return;
      setPage(p);
      setError(null);
    } catch (err) {
      if (stopped.current) return;
      if (isNotYours(err)) {
        setGone(
          'You cannot open this request: there is no such request, or you are not one of the people who asked it or answer it.',
        );
      } else if (isNotYourToAnswer(err)) setGone(app.failed(err));
      else setError(app.failed(err));
    }
  };

  useEffect(() => {
    if (!UUID.test(id)) {
      setGone('There is no information request at this address.');
      return;
    }
    stopped.current = false;
    void refresh();
    const stop = listenLive((rt) => [
      rt.on('information_request.updated', (e) => {
        if (e.requestId === id) void refresh();
      }),
    ]);
    return () => {
      stopped.current = true;
      stop();
    };
  }, [id]);

  const changed = async (said: string) => {
    setStatus(said);
    await refresh();
  };

  if (gone) {
    return (
      <main id="main" class="narrow">
        <PageTitle>Request not available</PageTitle>
        <p role="alert">{gone}</p>
        <p>
          <Link href="/requests">Go to your information requests</Link>
        </p>
      </main>
    );
  }
  if (!page) {
    return (
      <main id="main">
        <PageTitle>Information request</PageTitle>
        <ErrorSummary error={error} />
        {!error && <p role="status">Opening the request…</p>}
      </main>
    );
  }
  return <RequestScreen page={page} status={status} error={error} onChanged={changed} />;
}

function RequestScreen(props: {
  page: RequestPage;
  status: string | null;
  error: string | null;
  onChanged: (said: string) => Promise<void>;
}) {
  const { page, onChanged } = props;
  const v = page.view;
  const now = useNow();
  const me = app.user.id;
  const asker = v.yourPart === 'requester';
  const name = (p: { userId: string; displayName: string }) => (p.userId === me ? 'You' : p.displayName);
  const can = (a: InformationRequestView['actions'][number]) => v.actions.includes(a);
  const answering = can('accept') || can('assign') || can('provide') || can('decline');
  const title = `Information request about ${v.subject.reference}`;
  return (
    <main id="main">
      <PageTitle title={title}>{title}</PageTitle>
      <ErrorSummary error={props.error} />
      <p>
        {asker
          ? `${v.requestedBy.userId === me ? 'You' : v.requestedBy.displayName} asked ${v.toAgency.name} what it holds. Only ${v.subject.kind === 'referral' ? 'the hub’s staff' : 'you'} and the people answering for ${v.toAgency.name} can read the question and the answer.`
          : `${v.requestedBy.agencyName} asked your agency what it holds. Only the people who asked and the people answering for your agency can read the question and the answer.`}
      </p>
      <dl class="summary">
        <div>
          <dt>About</dt>
          <dd>
            {asker ? <Link href={subjectHref(v.subject)}>{subjectText(v.subject)}</Link> : subjectText(v.subject)}
          </dd>
        </div>
        <div>
          <dt>Asked of</dt>
          <dd>{v.toAgency.name}</dd>
        </div>
        <div>
          <dt>Asked by</dt>
          <dd>
            {name(v.requestedBy)}, {v.requestedBy.agencyName}, on {formatDateTime(v.createdAt)}
          </dd>
        </div>
        <div>
          <dt>Answer needed by</dt>
          <dd>
            {isOpen(v.state) ? (
              <Deadline at={v.dueAt} overdue={v.overdue} now={now} />
            ) : (
              <time dateTime={v.dueAt}>{formatDateTime(v.dueAt)}</time>
            )}
          </dd>
        </div>
        <div>
          <dt>Where it is</dt>
          <dd>
            <strong>{REQUEST_STATE_LABELS[v.state]}</strong>
          </dd>
        </div>
        {(v.assignee || isOpen(v.state)) && (
          <div>
            <dt>Assigned to</dt>
            <dd>
              {v.assignee
                ? name(v.assignee)
                : asker
                  ? `Nobody yet: ${v.toAgency.name}’s administrators`
                  : 'Nobody yet: your agency’s administrators'}
            </dd>
          </div>
        )}
      </dl>
      {page.unreadable && (
        <p class="warning-text" role="note">
          {page.unreadable}
        </p>
      )}
      <p>
        <Link href={`/channels/${v.channelId}`}>Open the request’s conversation</Link> (messages between the two sides)
      </p>
      <Status>{props.status}</Status>

      <section aria-labelledby="question">
        <h2 id="question">The question</h2>
        {page.opened ? (
          <dl class="summary">
            <div>
              <dt>What is asked</dt>
              <dd class="prose">{page.opened.question.question}</dd>
            </div>
            <div>
              <dt>Why it is needed</dt>
              <dd class="prose">{page.opened.question.why}</dd>
            </div>
          </dl>
        ) : (
          <p>It cannot be shown on this device.</p>
        )}
      </section>

      <section aria-labelledby="answer">
        <h2 id="answer">{v.decline ? 'Why it was declined' : 'The answer'}</h2>
        <Answer page={page} name={name} />
      </section>

      {(answering || can('withdraw') || can('close')) && (
        <section aria-labelledby="actions">
          <h2 id="actions">What you can do</h2>
          {can('accept') && <AcceptRequest view={v} onDone={onChanged} />}
          {can('provide') && <ProvideAnswer view={v} onDone={onChanged} />}
          {can('assign') && <AssignRequest view={v} onDone={onChanged} />}
          {can('decline') && <DeclineRequest view={v} onDone={onChanged} />}
          {can('withdraw') && (
            <div class="action-block">
              <p>If you no longer need the answer, withdraw the request.</p>
              <WithdrawRequest view={v} onDone={onChanged} />
            </div>
          )}
          {can('close') && (
            <div class="action-block">
              <p>Once you have what you need, close the request.</p>
              <CloseRequest view={v} onDone={onChanged} />
            </div>
          )}
        </section>
      )}
      {v.state !== 'closed' && v.state !== 'withdrawn' && <GiveKeysAgain view={v} onDone={onChanged} />}

      <section aria-labelledby="timeline">
        <h2 id="timeline">Timeline</h2>
        <ol class="timeline">
          {requestTimeline(v, me).map((l) => (
            <li key={`${l.at}-${l.text}`}>
              <time dateTime={l.at}>{formatDateTime(l.at)}</time> <span>{capitalise(l.text)}</span>
            </li>
          ))}
        </ol>
      </section>
      <p>
        <Link href="/requests">Back to information requests</Link>
      </p>
    </main>
  );
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The answer with its files, the reason for declining (with the check's warning), or why there is none. */
function Answer({ page, name }: { page: RequestPage; name: (p: { userId: string; displayName: string }) => string }) {
  const v = page.view;
  const by = v.answeredBy && v.answeredAt ? `${name(v.answeredBy)}, ${formatDateTime(v.answeredAt)}` : null;
  if (v.response) {
    const r = page.opened?.response;
    if (!r) return <p>The answer cannot be shown on this device.</p>;
    const files = r.files ?? [];
    return (
      <dl class="summary">
        <div>
          <dt>What {v.toAgency.name} holds</dt>
          <dd class="prose">{r.text}</dd>
        </div>
        {files.length > 0 && (
          <div>
            <dt>Files</dt>
            <dd>
              <ul class="plain-list file-downloads">
                {files.map((f) => (
                  <li key={f.attachmentId} class="prose">
                    {f.name} ({fileSizeInWords(f.size)}) <FileDownload file={f} />
                  </li>
                ))}
              </ul>
            </dd>
          </div>
        )}
        {by && (
          <div>
            <dt>Answered by</dt>
            <dd>{by}</dd>
          </div>
        )}
      </dl>
    );
  }
  if (v.decline) {
    const d = page.opened?.decline;
    if (!d) return <p>{v.toAgency.name} declined. The reason cannot be shown on this device.</p>;
    return (
      <>
        {d.warning && (
          <div class="warning-block" role="alert">
            <p>
              <strong>Warning:</strong> {d.warning}
            </p>
          </div>
        )}
        <dl class="summary">
          <div>
            <dt>{v.toAgency.name} will not share what it holds, because</dt>
            <dd class="prose">{d.text || 'No reason was given.'}</dd>
          </div>
          {by && (
            <div>
              <dt>Declined by</dt>
              <dd>{by}</dd>
            </div>
          )}
        </dl>
      </>
    );
  }
  if (v.state === 'withdrawn') return <p>The request was withdrawn before it was answered.</p>;
  return <p>Not answered yet.</p>;
}
