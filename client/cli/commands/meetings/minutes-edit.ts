import type { MinutesDocument } from '../../../../contracts/sealed.js';
import type { MeetingView, SecureSession } from '../../../sdk/node.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { parseJson, readTextFile, resolveMeeting } from '../../secure.js';
import { confirm, type ConfirmOpts } from '../../confirm.js';
import { agendaItem, agendaOf } from './agenda.js';
import { editInEditor, templateContext, type CurrentMinutes } from './minutes-editor.js';
import { parseMinutesTemplate, TemplateError } from './minutes-template.js';

export interface EditMinutesOpts {
  item?: string;
  notes?: string;
  append?: string;
  familyVoice?: string;
  fromFile?: string;
}

/** Whether the command line says what to write; without it the minutes open in the person's editor. */
const fromCommandLine = (o: EditMinutesOpts) =>
  [o.item, o.notes, o.append, o.familyVoice, o.fromFile].some((v) => v !== undefined);

/** The options must say what to write, and notes must say which agenda item they are for. */
function checkEdit(o: EditMinutesOpts): void {
  if (!o.fromFile && !o.item && o.familyVoice === undefined) {
    throw new CliUsageError('Say what to write: --item with --notes or --append, --family-voice, or --from-file.');
  }
  if (o.item && o.notes === undefined && o.append === undefined) {
    throw new CliUsageError('--item needs --notes or --append.');
  }
  if (!o.item && (o.notes !== undefined || o.append !== undefined)) {
    throw new CliUsageError('--notes and --append need --item: which agenda item are they for?');
  }
}

/** The document with an agenda item's notes replaced (--notes) or added to (--append). */
function withNotes(doc: MinutesDocument, item: string, o: EditMinutesOpts): MinutesDocument {
  const existing = doc.sections.find((x) => x.item === item);
  const notes = o.notes ?? [existing?.notes, o.append].filter(Boolean).join('\n\n');
  return {
    ...doc,
    sections: existing
      ? doc.sections.map((x) => (x.item === item ? { item, notes } : x))
      : [...doc.sections, { item, notes }],
  };
}

/**
 * A whole minutes document from a file: JSON, or the text `minutes edit` gives the editor (what it kept
 * of an edit it could not save, say), read against the current minutes and agenda.
 */
async function documentFromFile(
  ctx: CliContext,
  s: SecureSession,
  m: MeetingView,
  current: CurrentMinutes,
  file: string,
): Promise<MinutesDocument> {
  const text = await readTextFile(ctx, file);
  if (text.trimStart().startsWith('{')) return parseJson(file, text) as MinutesDocument;
  try {
    return parseMinutesTemplate(text, current?.document ?? { sections: [] }, await templateContext(s, m, current));
  } catch (err) {
    if (err instanceof TemplateError)
      throw new CliUsageError(`${file === '-' ? 'Standard input' : file}: ${err.message}`);
    throw err;
  }
}

/**
 * `minutes edit`: a new version of the minutes, on top of the latest (a stale base is refused); in the
 * person's editor when the command line does not say what to write.
 */
export async function editMinutes(ctx: CliContext, s: SecureSession, o: EditMinutesOpts, which: string): Promise<void> {
  const editor = !fromCommandLine(o);
  if (!editor) checkEdit(o);
  const id = await resolveMeeting(s, which);
  const m = await s.client.meeting(id);
  const current: CurrentMinutes = await s.readMinutes(id);
  if (editor) return editInEditor(ctx, s, m, current);
  let doc: MinutesDocument = current?.document ?? { sections: [] };
  if (o.fromFile) doc = await documentFromFile(ctx, s, m, current, o.fromFile);
  if (!Array.isArray(doc?.sections)) throw new CliUsageError('The minutes document needs a "sections" list.');
  if (o.item) doc = withNotes(doc, agendaItem(await agendaOf(s, m), o.item), o);
  if (o.familyVoice !== undefined) doc = { ...doc, familyVoice: o.familyVoice };
  const version = await s.saveMinutes(id, doc, current?.version ?? 0);
  ctx.print({ meetingId: id, version, document: doc }, `Saved minutes version ${version}.\n`);
}

export interface AmendOpts extends ConfirmOpts {
  text: string;
  reason: string;
}

/** `minutes amend`: a signed correction to closed minutes, with its reason. */
export async function amendMinutes(ctx: CliContext, s: SecureSession, o: AmendOpts, which: string): Promise<void> {
  const meetingId = await resolveMeeting(s, which);
  await confirm(
    ctx,
    o,
    'An amendment to signed minutes is permanent: it is signed by this device and stays with the minutes.',
  );
  const m = await s.amendMinutes(meetingId, { text: o.text, reason: o.reason });
  ctx.print(m, `Amendment ${m.amendments.length} recorded and signed by this device.\n`);
}
