import type { AgendaItem, MinutesAmendment, MinutesDocument } from '../../../../contracts/sealed.js';
import type { MeetingView, SecureSession } from '../../../sdk/node.js';
import type { CliContext } from '../../context.js';
import { Names, resolveMeeting } from '../../secure.js';
import { agendaOf, agendaTitle } from './agenda.js';
import { meetingRecord, recordText, type MeetingRecord } from './record.js';

/** What `minutes show` reads of the SDK's verified minutes (--json prints all of it, proofs included). */
interface VerifiedMinutes {
  version: number;
  document: MinutesDocument;
  amendments: (MinutesAmendment & { number: number; authorId: string; createdAt: string })[];
}

function minutesText(doc: MinutesDocument, agenda: AgendaItem[], family: boolean): string {
  let out = '';
  for (const s of doc.sections ?? []) out += `\n## ${agendaTitle(agenda, s.item)}\n${s.notes}\n`;
  if (family || doc.familyVoice) out += `\n## The family’s voice\n${doc.familyVoice || '(not recorded)'}\n`;
  return out || '\n(no notes yet)\n';
}

/**
 * `minutes show`: decrypted here; for a closed meeting, checked against the chair's signature. With them,
 * what the meeting recorded beside the minutes: attendance, decisions and the actions set in it.
 */
export async function showMinutes(ctx: CliContext, s: SecureSession, _o: unknown, which: string): Promise<void> {
  const id = await resolveMeeting(s, which);
  const m = await s.client.meeting(id);
  const agenda = await agendaOf(s, m);
  const record = await meetingRecord(s, m, agenda);
  if (m.final) await showFinal(ctx, s, id, m, agenda, record);
  else await showDraft(ctx, s, id, m, agenda, record);
}

/** The signed minutes and their amendments, each checked against its signer's device key. */
async function showFinal(
  ctx: CliContext,
  s: SecureSession,
  id: string,
  m: MeetingView,
  agenda: AgendaItem[],
  record: MeetingRecord,
) {
  const v: VerifiedMinutes = await s.verifiedMinutes(id, m);
  const names = await new Names(s).load(m.channelId);
  ctx.print(
    { meetingId: id, status: m.status, signed: true, ...v, ...record },
    `Final minutes, version ${v.version}: signature by the chair’s device checked.\n` +
      minutesText(v.document, agenda, m.kind === 'family') +
      v.amendments
        .map(
          (a) =>
            `\n## Amendment ${a.number} (${a.createdAt}, by ${names.of(a.authorId)})\n${a.text}\nReason: ${a.reason}\n`,
        )
        .join('') +
      '\nThe chair’s signature covers the minutes above, not what follows: attendance as recorded on the\n' +
      'server, and decisions and actions as the people who recorded them wrote them.\n' +
      recordText(record, m.kind === 'family'),
  );
}

/** The latest version while the meeting runs (not signed yet). */
async function showDraft(
  ctx: CliContext,
  s: SecureSession,
  id: string,
  m: MeetingView,
  agenda: AgendaItem[],
  record: MeetingRecord,
) {
  const current: { version: number; document: MinutesDocument } | null = await s.readMinutes(id);
  ctx.print(
    {
      meetingId: id,
      status: m.status,
      signed: false,
      version: current?.version ?? 0,
      document: current?.document ?? null,
      ...record,
    },
    (current
      ? `Draft minutes, version ${current.version} (not signed until the meeting closes).\n` +
        minutesText(current.document, agenda, m.kind === 'family')
      : m.status === 'scheduled'
        ? 'No minutes yet: `strongroom minutes edit` once the meeting has started.\n'
        : 'No minutes yet: write them with `strongroom minutes edit`.\n') +
      (m.status === 'scheduled' ? '' : recordText(record, m.kind === 'family')),
  );
}
