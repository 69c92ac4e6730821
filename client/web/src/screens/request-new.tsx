import { useState } from 'preact/hooks';
import type { InformationRequestSubject } from '../../../sdk/browser.js';
import { navigate } from '../router.js';
import { app } from '../state/app.js';
import { endOfDay, localDay } from '../state/request-words.js';
import { Select } from '../ui/choice.js';
import { Button, ErrorSummary, Field, TextArea, useAction } from '../ui/form.js';

/** An agency that may be asked, by name. */
export interface AskableAgency {
  id: string;
  name: string;
}

/**
 * Asks a partner agency what it holds about a family or a referral: which agency, the question, why it is
 * needed and by when. The question and why are encrypted on this device for the two sides only; the
 * agency's administrators are brought into the request's own conversation. On sending, the request's
 * page opens.
 */
export function AskForInformation(props: {
  subject: InformationRequestSubject;
  /** The subject's reference (EH-…, MASH-…), for the request conversation's title. */
  reference: string;
  agencies: readonly AskableAgency[];
  /** Said above the form: whose records the question is about, and who may be asked. */
  intro: string;
}) {
  const [agencyId, setAgencyId] = useState('');
  const [question, setQuestion] = useState('');
  const [why, setWhy] = useState('');
  const [due, setDue] = useState('');
  const tomorrow = localDay(new Date(Date.now() + 86_400_000));
  const send = useAction(async () => {
    if (!agencyId) throw new Error('Choose the agency to ask.');
    if (!question.trim()) throw new Error('Say what you are asking the agency for.');
    if (!why.trim()) throw new Error('Say why you need it: the agency decides whether to share on that.');
    if (!due) throw new Error('Give the date you need the answer by.');
    const dueAt = endOfDay(due);
    if (!dueAt) throw new Error('Give the date you need the answer by as a day, month and year.');
    if (dueAt.getTime() <= Date.now())
      throw new Error('The date you need the answer by has passed: choose a later one.');
    const { request, notYetShared } = await app.secure.sendInformationRequest({
      subject: props.subject,
      toAgencyId: agencyId,
      dueAt,
      question,
      why,
      title: `Information request: ${props.reference}`,
    });
    app.inbox.refreshSoon();
    if (notYetShared.length) {
      const members = await app.secure.client.channel(request.channelId).then(
        (c) => c.members,
        () => [],
      );
      const names = notYetShared.map((id) => members.find((m) => m.userId === id)?.displayName ?? 'someone');
      app.notify(
        `${names.join(', ')} of ${request.toAgency.name} cannot read your question yet: they have no approved device. ` +
          'Once they have, choose “Give the keys again” on the request.',
        `/requests/${request.id}`,
      );
    }
    navigate(`/requests/${request.id}`);
  });
  return (
    <details class="panel">
      <summary>Ask another agency for information</summary>
      <form
        aria-label="Ask another agency for information"
        onSubmit={(e) => {
          e.preventDefault();
          void send.run();
        }}
      >
        <p class="hint">{props.intro}</p>
        <ErrorSummary error={send.error} />
        {props.agencies.length === 0 ? (
          <p>There is no agency you can ask yet.</p>
        ) : (
          <>
            <Select
              label="Agency to ask"
              value={agencyId}
              placeholder="Choose an agency"
              options={props.agencies.map((a) => ({ value: a.id, label: a.name }))}
              onChange={setAgencyId}
            />
            <TextArea
              label="What do you want to know?"
              hint="Be specific: the records, the dates, the people. Encrypted on this device: only the two sides of the request can read it."
              rows={4}
              value={question}
              onInput={setQuestion}
            />
            <TextArea
              label="Why do you need it?"
              hint="The agency decides whether it may share on this: say how it helps keep the child safe or supports the family."
              rows={3}
              value={why}
              onInput={setWhy}
            />
            <Field
              label="Answer needed by"
              hint="The end of this day. After it an unanswered request is shown as overdue to both sides."
              type="date"
              min={tomorrow}
              value={due}
              onInput={setDue}
            />
            <Button type="submit" busy={send.busy}>
              Send the request
            </Button>
          </>
        )}
      </form>
    </details>
  );
}
