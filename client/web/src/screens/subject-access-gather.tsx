import { useState } from 'preact/hooks';
import type { SubjectAccessRequestView } from '../../../../contracts/subject-access.js';
import { SubjectAccessExporter, type SubjectAccessProgress } from '../../../sdk/browser.js';
import { app } from '../state/app.js';
import { Button, ErrorSummary, useAction } from '../ui/form.js';
import { dayStamp, saveToFile } from '../ui/save-file.js';
import { Status } from '../ui/status.js';

const STEP_WORDS: Record<SubjectAccessProgress['step'], string> = {
  family: 'family record',
  messages: 'messages',
  meetings: 'meetings',
  plan: 'plan',
  actions: 'actions',
  done: 'done',
};

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;

/** A progress line: "Gathering: family 1 of 2 (EH-2026-0042), messages; 14 messages, 3 records so far…". */
export const progressWords = (p: SubjectAccessProgress): string =>
  p.step === 'done'
    ? `Gathered ${plural(p.messages, 'message')} and ${plural(p.records, 'record')}; saving the file…`
    : `Gathering: family ${Math.min(p.familiesDone + 1, p.families)} of ${p.families}` +
      `${p.familyRef ? ` (${p.familyRef})` : ''}, ${STEP_WORDS[p.step]}; ` +
      `${plural(p.messages, 'message')}, ${plural(p.records, 'record')} so far…`;

/**
 * Gathers a request's subject on this device, as `sar export` does (ISA 10): the SDK decrypts everything
 * this member can read about the request's families (the server holds only ciphertext), tells the server
 * that an export was made (counts only, audited) and the browser saves the file. Progress is read out from
 * a live region beside the button; the outcome goes to the page's status line.
 */
export function GatherExport({
  r,
  subject,
  onDone,
}: {
  r: SubjectAccessRequestView;
  subject: string;
  onDone: (said: string) => void;
}) {
  const [progress, setProgress] = useState<string | null>(null);
  const gather = useAction(async () => {
    setProgress('Gathering: starting…');
    try {
      const doc = await new SubjectAccessExporter(app.secure).export(r.id, (p) => setProgress(progressWords(p)));
      saveToFile(
        new Blob([JSON.stringify(doc, null, 2) + '\n'], { type: 'application/json;charset=utf-8' }),
        `strongroom-subject-access-${r.id.slice(0, 8)}-${dayStamp()}.json`,
      );
      const { families, messages, records } = doc.counts;
      const unread = doc.families.filter((f) => !f.readable).map((f) => f.ref);
      onDone(
        `Saved ${plural(messages, 'message')} and ${plural(records, 'record')} from ${plural(families, 'family', 'families')} ` +
          `about ${subject}. Review the file before disclosure: it holds everything you can read about these families, ` +
          'third parties included.' +
          (unread.length
            ? ` You are not in the conversation of ${unread.join(', ')}: someone who is must gather ${unread.length === 1 ? 'it' : 'them'}.`
            : ''),
      );
    } finally {
      setProgress(null);
    }
  });
  return (
    <>
      <Button variant="secondary" busy={gather.busy} onClick={() => void gather.run()}>
        Gather and download<span class="visually-hidden"> everything about {subject}</span>
      </Button>
      <Status>{progress}</Status>
      <ErrorSummary error={gather.error} />
    </>
  );
}
