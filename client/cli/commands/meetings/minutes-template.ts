import type { AgendaItem, MinutesDocument } from '../../../../contracts/sealed.js';

/**
 * The minutes as plain text for a person's editor, and back. Each agenda item is a `## 1. Title` heading
 * with its notes below it, then the family's voice; lines starting with `#` are comments. A line of notes
 * that itself starts with `#` is written with a `\` before it, so nothing written survives only by luck.
 */

/** A template the person's edit left unreadable: what is wrong, in words they can act on. */
export class TemplateError extends Error {}

/** What the template needs to know besides the document. */
export interface TemplateContext {
  agenda: AgendaItem[];
  /** Whether the meeting has a family's voice section (a family meeting, or minutes that already have one). */
  familyVoice: boolean;
  /** Comment lines describing the meeting and the version being edited, shown first. */
  about: string[];
}

const FAMILY_VOICE = 'The family’s voice';

/** `## ` then the heading; a line that is only `##` is a heading with nothing after it (an error). */
const HEADING = /^##(?:\s+(.*?))?\s*$/;
/** A comment: starts with `#` but is not a heading. */
const isComment = (line: string) => line.startsWith('#') && !HEADING.test(line);

/** Notes lines that start with `#` (or with backslashes then `#`) get one more backslash. */
const escapeLine = (line: string) => (/^\\*#/.test(line) ? `\\${line}` : line);
const unescapeLine = (line: string) => (/^\\+#/.test(line) ? line.slice(1) : line);

const heading = (agenda: AgendaItem[], item: string) => {
  const a = agenda.find((x) => x.id === item);
  return a ? `${a.id}. ${a.title}` : item;
};

/** The sections the template shows, in order: every agenda item, then notes for anything not on it. */
function itemsOf(doc: MinutesDocument, agenda: AgendaItem[]): string[] {
  const onAgenda = agenda.map((a) => a.id);
  return [...onAgenda, ...doc.sections.map((s) => s.item).filter((i) => !onAgenda.includes(i))].filter(
    (item, i, all) => all.indexOf(item) === i,
  );
}

/** The headings a template for this document has, as written: each must still be there after the edit. */
function headingsOf(doc: MinutesDocument, t: TemplateContext): string[] {
  return [...itemsOf(doc, t.agenda).map((i) => heading(t.agenda, i)), ...(t.familyVoice ? [FAMILY_VOICE] : [])];
}

/** The minutes as text for an editor. */
export function minutesTemplate(doc: MinutesDocument, t: TemplateContext): string {
  const notes = (item: string) =>
    doc.sections
      .filter((s) => s.item === item)
      .map((s) => s.notes)
      .join('\n\n');
  const body = (text: string | undefined) => (text ? text.split('\n').map(escapeLine).join('\n') + '\n' : '');
  const help = [
    ...t.about,
    'Write the notes for each agenda item under its heading, then save and close the editor.',
    'Keep every line that starts with "## " as it is: it says which item the notes below it are for.',
    'To clear an item’s notes, delete the text under its heading, not the heading.',
    'Lines that start with a single # (like these) are left out of the minutes.',
    ...(t.agenda.length ? [] : ['This meeting has no agenda: add a "## topic" heading for each topic.']),
    'Close the editor without changing anything to save nothing.',
  ];
  let out = help.map((l) => `# ${l}\n`).join('');
  for (const item of itemsOf(doc, t.agenda)) out += `\n## ${heading(t.agenda, item)}\n${body(notes(item))}`;
  if (t.familyVoice) out += `\n## ${FAMILY_VOICE}\n${body(doc.familyVoice)}`;
  return out;
}

/** A heading as typed, compared without case, spacing or the kind of apostrophe. */
const norm = (s: string) => s.toLowerCase().replace(/[’‘`]/g, "'").replace(/\s+/g, ' ').trim();
const isFamilyVoice = (h: string) => norm(h).replace(/^the /, '') === "family's voice";

/** Which section a heading names: an agenda item (by "1. Title", its number or its title), or another. */
function sectionOf(h: string, doc: MinutesDocument, agenda: AgendaItem[]): string | null {
  const n = norm(h);
  const onAgenda = agenda.find(
    (a) => norm(`${a.id}. ${a.title}`) === n || norm(a.id) === n || norm(a.title) === n || norm(`${a.id}.`) === n,
  );
  if (onAgenda) return onAgenda.id;
  const other = doc.sections.find((s) => norm(s.item) === n);
  if (other) return other.item;
  // With no agenda, the headings are the topics: a new one is a new topic.
  return agenda.length ? null : h.trim();
}

/**
 * The document the edited text describes, built on `doc` (anything else it holds is kept). Refuses text
 * whose headings no longer say where notes belong: one that names no agenda item, one twice, one missing,
 * or notes above the first heading.
 */
export function parseMinutesTemplate(text: string, doc: MinutesDocument, t: TemplateContext): MinutesDocument {
  const notes = new Map<string, string[]>();
  let current: string[] | null = null;
  const seen = new Set<string>();
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  lines.forEach((line, i) => {
    const h = HEADING.exec(line);
    if (h) {
      const title = h[1] ?? '';
      const key = !title
        ? null
        : isFamilyVoice(title) && t.familyVoice
          ? FAMILY_VOICE
          : sectionOf(title, doc, t.agenda);
      if (!key) {
        const known = headingsOf(doc, t).map((x) => `"## ${x}"`);
        throw new TemplateError(
          `Line ${i + 1}, "${line.trim()}", is not a heading of these minutes` +
            (known.length ? `: the headings are ${known.join(', ')}.` : '.'),
        );
      }
      if (seen.has(key)) {
        throw new TemplateError(`Line ${i + 1}: the heading "${line.trim()}" is there twice. Keep it once.`);
      }
      seen.add(key);
      notes.set(key, (current = []));
    } else if (!isComment(line)) {
      if (current) current.push(unescapeLine(line));
      else if (line.trim()) {
        throw new TemplateError(
          `Line ${i + 1} is above the first heading, so it belongs to no agenda item. ` +
            'Move it under the heading it is for.',
        );
      }
    }
  });
  const keyOf = (written: string) => (written === FAMILY_VOICE ? FAMILY_VOICE : sectionOf(written, doc, t.agenda));
  const missing = headingsOf(doc, t).filter((written) => !seen.has(keyOf(written)!));
  if (missing.length) {
    throw new TemplateError(
      `The heading${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"## ${m}"`).join(', ')} ` +
        `${missing.length > 1 ? 'are' : 'is'} missing. Put ${missing.length > 1 ? 'them' : 'it'} back: to clear ` +
        'notes, delete the text under a heading, not the heading.',
    );
  }
  const textOf = (key: string) =>
    (notes.get(key) ?? [])
      .join('\n')
      .replace(/^(?:[ \t]*\n)+/, '')
      .trimEnd();
  const sections = [...notes.keys()]
    .filter((key) => key !== FAMILY_VOICE)
    .map((item) => ({ item, notes: textOf(item) }))
    .filter((s) => s.notes);
  const { familyVoice: _old, ...rest } = doc;
  const familyVoice = t.familyVoice ? textOf(FAMILY_VOICE) : doc.familyVoice;
  return { ...rest, sections, ...(familyVoice ? { familyVoice } : {}) };
}
