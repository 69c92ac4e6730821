import type { MinutesDocument } from '../../../../contracts/sealed.js';
import type { SecureSession } from '../../../sdk/node.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { readJsonFile, resolveMeeting } from '../../secure.js';
import { confirm, type ConfirmOpts } from '../../confirm.js';
import { agendaItem, agendaOf } from './agenda.js';

export interface EditMinutesOpts {
  item?: string;
  notes?: string;
  append?: string;
  familyVoice?: string;
  fromFile?: string;
}

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

/** `minutes edit`: a new version of the minutes, on top of the latest (a stale base is refused). */
export async function editMinutes(ctx: CliContext, s: SecureSession, o: EditMinutesOpts, which: string): Promise<void> {
  checkEdit(o);
  const id = await resolveMeeting(s, which);
  const m = await s.client.meeting(id);
  const current: { version: number; document: MinutesDocument } | null = await s.readMinutes(id);
  let doc: MinutesDocument = current?.document ?? { sections: [] };
  if (o.fromFile) doc = (await readJsonFile(ctx, o.fromFile)) as MinutesDocument;
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
