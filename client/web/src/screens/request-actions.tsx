import { useState } from 'preact/hooks';
import {
  DECLINE_EXPLANATION_MIN_CHARACTERS,
  DECLINE_EXPLANATION_REFUSAL,
  nonBlankCharacterCount,
} from '../../../../contracts/information-requests.js';
import {
  explanationTooShort,
  isTrustRefusal,
  type InformationRequestView,
  type UserDirectoryEntry,
} from '../../../sdk/browser.js';
import { app, messageOf } from '../state/app.js';
import { ConfirmButton } from '../ui/confirm.js';
import { FindPerson } from '../ui/find-person.js';
import { Button, ErrorSummary, TextArea, useAction } from '../ui/form.js';
import { FilePicker, useChosenFiles } from '../ui/file-picker.js';

/**
 * What each side does on a request's page: the agency asked accepts it, its administrators give it to
 * someone to answer, and they answer (with files) or decline with a written reason; the people who asked
 * withdraw it before an answer, or close it after one. Each reports what it did in a sentence (`onDone`),
 * which the page announces and then reloads.
 */

type Done = (said: string) => Promise<void>;

/** Who may be given a request to answer: people who work with cases (the server's rule). */
const ASSIGNABLE = new Set(['practitioner', 'agency_admin', 'mash_worker']);

/** Accepts the request: the people who asked see that the agency is working on an answer. */
export function AcceptRequest({ view, onDone }: { view: InformationRequestView; onDone: Done }) {
  const accept = useAction(async () => {
    await app.secure.client.acceptInformationRequest(view.id);
    await onDone(
      `Accepted. ${view.requestedBy.displayName} (${view.requestedBy.agencyName}) can see your agency is working on an answer.`,
    );
  });
  return (
    <div class="action-block">
      <ErrorSummary error={accept.error} />
      <p>
        Accept the request to answer it
        {view.actions.includes('assign') ? ', yourself or through someone you assign' : ''}. If your agency will not
        share, decline it instead, with the reason.
      </p>
      <Button busy={accept.busy} onClick={() => void accept.run()}>
        Accept the request
      </Button>
    </div>
  );
}

/**
 * An agency administrator gives the request to someone of their own agency to answer; their devices are
 * given the key to read the question.
 */
export function AssignRequest({ view, onDone }: { view: InformationRequestView; onDone: Done }) {
  const [person, setPerson] = useState<UserDirectoryEntry | null>(null);
  const [round, setRound] = useState(0);
  const me = app.me.value;
  const assign = useAction(async () => {
    if (!person) throw new Error('Find and choose the person who will answer.');
    const { request, keysShared, refused } = await app.secure.assignInformationRequest(view, person.id);
    const who = request.assignee?.displayName ?? person.displayName;
    setPerson(null);
    setRound((n) => n + 1);
    await onDone(
      keysShared > 0
        ? `Assigned to ${who}, who can now read the question and answer it.`
        : refused
          ? `Assigned to ${who}, but this browser did not give them the key to read it: ${refused}`
          : `Assigned to ${who}, who has no approved device yet, so cannot read the question. Once they have one, choose “Give the keys again”.`,
    );
  });
  const title = view.assignee ? 'Assign someone else' : 'Assign someone to answer';
  return (
    <details class="panel">
      <summary>{title}</summary>
      <form
        aria-label={title}
        onSubmit={(e) => {
          e.preventDefault();
          void assign.run();
        }}
      >
        <p class="hint">
          Someone of {me?.agency.name ?? 'your agency'} who works with cases. They join the request’s conversation and
          can read the question, accept it, answer or decline it.
        </p>
        <ErrorSummary error={assign.error} />
        <FindPerson
          key={round}
          label="Person to answer"
          hint={`Search ${me?.agency.name ?? 'your agency'} by name: at least two letters.`}
          agencyId={me?.agency.id}
          chosen={person}
          onChoose={setPerson}
          allow={(p) => ASSIGNABLE.has(p.role) && p.id !== view.assignee?.userId}
          allowHint="Nobody found who can answer requests: only practitioners, hub workers and agency administrators can."
        />
        <Button type="submit" busy={assign.busy}>
          Assign{person ? <> {person.displayName}</> : ''}
        </Button>
      </form>
    </details>
  );
}

/**
 * The answer: what the agency holds, and any files, encrypted on this device (each file under its own key,
 * uploaded with its progress shown) so only the two sides can read them.
 */
export function ProvideAnswer({ view, onDone }: { view: InformationRequestView; onDone: Done }) {
  const [text, setText] = useState('');
  const chosen = useChosenFiles();
  const provide = useAction(async () => {
    if (!text.trim()) throw new Error('Write what your agency holds before sending it.');
    await app.secure.provideInformation(
      view,
      { text: text.trim() },
      { files: chosen.toSend(), onProgress: chosen.onProgress },
    );
    const sent = chosen.files.length;
    setText('');
    chosen.clear();
    await onDone(
      `Answer sent${sent ? ` with ${sent} ${sent === 1 ? 'file' : 'files'}` : ''}. ${view.requestedBy.displayName} (${view.requestedBy.agencyName}) can read it now.`,
    );
  });
  return (
    <details class="panel">
      <summary>Answer the request</summary>
      <form
        aria-label="Answer the request"
        onSubmit={(e) => {
          e.preventDefault();
          void provide.run();
        }}
      >
        <p class="hint">
          Share only what the question needs. It is encrypted on this device: only {view.requestedBy.displayName} (
          {view.requestedBy.agencyName}) and the people answering for your agency can read it. Once sent it cannot be
          changed.
        </p>
        <ErrorSummary error={provide.error} />
        <TextArea label="What your agency holds" rows={6} value={text} onInput={setText} />
        <FilePicker
          id={`answer-files-${view.id}`}
          hint="Reports or records to send with the answer."
          chosen={chosen}
          busy={provide.busy}
        />
        <Button type="submit" busy={provide.busy}>
          Send the answer
        </Button>
      </form>
    </details>
  );
}

/**
 * Declines, with the written reason the people who asked read (ISA 3.3.10): at least a sentence. One
 * too short is refused here before anything is sent; the server's refusal, if it still refuses, is shown.
 */
export function DeclineRequest({ view, onDone }: { view: InformationRequestView; onDone: Done }) {
  const [reason, setReason] = useState('');
  const [tooShort, setTooShort] = useState<string | null>(null);
  const decline = useAction(async () => {
    setTooShort(null);
    const text = reason.trim();
    if (explanationTooShort(text)) {
      const n = nonBlankCharacterCount(text);
      const said = `${DECLINE_EXPLANATION_REFUSAL} Yours has ${n} ${n === 1 ? 'character' : 'characters'} that ${n === 1 ? 'is' : 'are'} not a space.`;
      setTooShort(said);
      throw new Error(said);
    }
    await app.secure.declineInformationRequest(view, text);
    setReason('');
    await onDone(
      `Declined. ${view.requestedBy.displayName} (${view.requestedBy.agencyName}) can read your reason now.`,
    );
  });
  return (
    <details class="panel">
      <summary>Decline the request</summary>
      <form
        aria-label="Decline the request"
        onSubmit={(e) => {
          e.preventDefault();
          void decline.run();
        }}
      >
        <p class="hint">
          If your agency will not share what it holds, say why. {view.requestedBy.displayName} (
          {view.requestedBy.agencyName}) reads your reason exactly as you write it, so explain in at least a sentence —{' '}
          {DECLINE_EXPLANATION_MIN_CHARACTERS} characters or more: what you will not share and why (for example, it
          needs a court order, or the person has not agreed). A decline cannot be taken back.
        </p>
        <ErrorSummary error={decline.error} />
        <TextArea
          label="Why will your agency not share this?"
          hint="Encrypted on this device: only the two sides of the request can read it."
          error={tooShort}
          rows={4}
          value={reason}
          onInput={(v) => {
            setReason(v);
            if (tooShort && !explanationTooShort(v.trim())) setTooShort(null);
          }}
        />
        <Button type="submit" variant="warning" busy={decline.busy}>
          Decline the request
        </Button>
      </form>
    </details>
  );
}

/** The people who asked no longer need the answer (before one is given). */
export function WithdrawRequest({ view, onDone }: { view: InformationRequestView; onDone: Done }) {
  return (
    <ConfirmButton
      variant="secondary"
      label="Withdraw the request"
      question={`Withdraw this request to ${view.toAgency.name}? They will no longer be asked to answer it.`}
      confirmLabel="Yes, withdraw it"
      onConfirm={() => app.secure.client.withdrawInformationRequest(view.id)}
      onDone={() => void onDone(`Withdrawn: ${view.toAgency.name} no longer needs to answer it.`)}
    />
  );
}

/** The people who asked have what they need from the answer (or the reason for declining). */
export function CloseRequest({ view, onDone }: { view: InformationRequestView; onDone: Done }) {
  return (
    <ConfirmButton
      variant="secondary"
      label="Close the request"
      question="Close this request? Nothing more can be done with it; the answer stays here for you to read."
      confirmLabel="Yes, close it"
      onConfirm={() => app.secure.client.closeInformationRequest(view.id)}
      onDone={() => void onDone('The request is closed.')}
    />
  );
}

/**
 * Gives the keys to read the request again to everyone in its conversation who lacks them: someone whose
 * first device was approved after they were brought in.
 */
export function GiveKeysAgain({ view, onDone }: { view: InformationRequestView; onDone: Done }) {
  const give = useAction(async () => {
    const members = (await app.secure.client.channel(view.channelId)).members.filter((m) => m.userId !== app.user.id);
    app.meet(members);
    const given: string[] = [];
    const refusals: string[] = [];
    for (const m of members) {
      try {
        if ((await app.secure.shareRecordKeys(view.channelId, m.userId)) > 0) given.push(m.displayName);
      } catch (err) {
        if (!isTrustRefusal(err)) throw err;
        refusals.push(messageOf(err));
      }
    }
    await onDone(
      (given.length
        ? `Gave ${given.join(', ')} the keys to read the request.`
        : 'Nothing to give: everyone in the request already has the keys, or has no approved device yet.') +
        (refusals.length ? ` ${refusals.join(' ')}` : ''),
    );
  });
  return (
    <p class="hint">
      Someone on the request cannot read it?{' '}
      <Button variant="link" busy={give.busy} onClick={() => void give.run()}>
        Give the keys again
      </Button>
      {give.error && (
        <span class="error-text" role="alert">
          {' '}
          {give.error}
        </span>
      )}
    </p>
  );
}
