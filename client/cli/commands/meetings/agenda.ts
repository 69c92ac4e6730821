import type { AgendaItem } from '../../../../contracts/sealed.js';
import type { MeetingView, SecureSession } from '../../../sdk/node.js';
import { CliUsageError } from '../../context.js';

/** The meeting's agenda, decrypted (empty when it has none or it cannot be read). */
export async function agendaOf(s: SecureSession, m: MeetingView): Promise<AgendaItem[]> {
  if (!m.agenda) return [];
  try {
    const agenda: AgendaItem[] = await s.openField(m.channelId, 'meeting-agenda', m.agenda, { recordId: m.id });
    return agenda;
  } catch {
    return [];
  }
}

/** An agenda item by its id, number or title; with no agenda any label is taken as it is. */
export function agendaItem(agenda: AgendaItem[], which: string): string {
  if (!agenda.length) return which;
  const w = which.toLowerCase();
  const found = agenda.find((a) => a.id === which || a.title.toLowerCase() === w);
  if (!found) {
    throw new CliUsageError(
      `"${which}" is not on the agenda. Items: ${agenda.map((a) => `${a.id} (${a.title})`).join(', ')}.`,
    );
  }
  return found.id;
}

/** The title of an agenda item, or its id when the agenda does not have it. */
export const agendaTitle = (agenda: AgendaItem[], id: string) => agenda.find((a) => a.id === id)?.title ?? id;
