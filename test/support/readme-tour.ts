/**
 * Reads the README's tour: the shell blocks marked `<!-- tour -->`, as the command lines a newcomer
 * types, with enough of a shell to run them the way their shell would (quotes, `\` continuations,
 * comments, `~` and a `*` in a file name) and nothing more: any other shell syntax is refused, so the
 * README cannot come to rely on something the test quietly skips.
 *
 * The README's placeholder convention: `<name>` stands for something an earlier command printed. A
 * command whose comment says `prints <name>` defines it; its value is the first thing of the right shape
 * in that command's output: a family reference (`EH-2026-0001`) for a name ending in `-ref`, an id (a
 * UUID) for a name ending in `-id`.
 */

/** The line before a fenced `sh` block (blank lines aside) that makes it part of the tour. */
export const TOUR_MARKER = '<!-- tour -->';

/** One word of a command line; `tilde` and `glob` only when unquoted, as a shell expands them. */
export interface ShellWord {
  text: string;
  /** Starts with an unquoted `~/` (or is `~`): the person's home directory. */
  tilde: boolean;
  /** Has an unquoted `*`: a file name pattern. */
  glob: boolean;
}

export interface TourLine {
  /** 1-based line number in the README where the command starts. */
  line: number;
  /** The lines as written in the README, comments and `\` continuations included. */
  source: string;
  /** The command alone, on one line (for titles and messages). */
  command: string;
  words: ShellWord[];
  /** The trailing comment(s), without `#`, continuation lines joined. */
  comment: string;
}

/** Placeholders the command's comment says it prints (`prints <family-ref>`). */
export const definedBy = (l: TourLine): string[] =>
  [...l.comment.matchAll(/\bprints\s+(?:the\s+)?(<[a-z][a-z-]*>)/g)].map((m) => m[1]);

const PLACEHOLDER = /<[a-z][a-z-]*>/g;

/** The shape of a placeholder's value, by its name: `-ref` a family reference, `-id` a UUID. */
export function placeholderPattern(name: string): RegExp {
  if (name.endsWith('-ref>')) return /\bEH-\d{4}-\d{4}\b/;
  if (name.endsWith('-id>')) return /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i;
  throw new Error(`${name}: a placeholder's name ends in -ref (a family reference) or -id (an id).`);
}

/** The placeholders a word uses. */
export const placeholdersIn = (text: string): string[] => text.match(PLACEHOLDER) ?? [];

/** Every command line of the marked blocks, in order. */
export function tourLines(markdown: string): TourLine[] {
  const lines = markdown.split('\n');
  const out: TourLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== TOUR_MARKER) continue;
    // Prettier puts a blank line between the marker and the block; nothing else may come between them.
    let fence = i + 1;
    while (lines[fence]?.trim() === '') fence++;
    if (lines[fence]?.trim() !== '```sh')
      throw new Error(`README line ${i + 1}: ${TOUR_MARKER} must come just before a \`\`\`sh block.`);
    let j = fence + 1;
    let pending: { line: number; source: string; text: string } | null = null;
    for (; j < lines.length && lines[j].trim() !== '```'; j++) {
      const raw = lines[j];
      if (!pending && raw.trim() === '') continue;
      const current: { line: number; source: string; text: string } = pending ?? { line: j + 1, source: '', text: '' };
      current.source += (current.source ? '\n' : '') + raw;
      // A `\` at the very end continues the command on the next line (as in a shell: not inside a comment).
      const continued = /\\$/.test(raw) && !hasComment(raw.slice(0, -1), j + 1);
      current.text += continued ? raw.slice(0, -1) + ' ' : raw;
      if (continued) {
        pending = current;
        continue;
      }
      pending = null;
      const { words, comment, command } = shellWords(current.text, current.line);
      if (words.length) out.push({ line: current.line, source: current.source, command, words, comment });
    }
    if (j >= lines.length) throw new Error(`README line ${i + 1}: the tour block is never closed.`);
    if (pending) throw new Error(`README line ${pending.line}: the command's last line ends in \\.`);
    i = j;
  }
  return out;
}

const hasComment = (text: string, line: number): boolean => shellWords(text, line).comment !== '';

/**
 * Splits a command line into words as a POSIX shell would, for the little the tour uses: single and
 * double quotes, backslash escapes, `#` comments. Redirections, pipes, `;`, `&`, `$` and backquotes are
 * refused (a `<name>` placeholder is not a redirection: the reader replaces it).
 */
export function shellWords(text: string, line: number): { words: ShellWord[]; comment: string; command: string } {
  const words: ShellWord[] = [];
  let word: ShellWord | null = null;
  const refuse = (what: string) => {
    throw new Error(`README line ${line}: the tour test does not run ${what}: ${text.trim()}`);
  };
  const start = () => (word ??= { text: '', tilde: false, glob: false });
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      if (word) words.push(word);
      word = null;
      i++;
      continue;
    }
    if (c === '#' && !word) return { words, comment: text.slice(i + 1).trim(), command: oneLine(text.slice(0, i)) };
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) refuse('an unclosed quote');
      start().text += text.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (c === '"') {
      const w = start();
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '$' || text[i] === '`') refuse('`$` or backquotes');
        if (text[i] === '\\' && '"\\$`'.includes(text[i + 1] ?? '')) i++;
        w.text += text[i++];
      }
      if (i >= text.length) refuse('an unclosed quote');
      i++;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= text.length) refuse('a lone backslash');
      start().text += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '<') {
      const m = /^<[a-z][a-z-]*>/.exec(text.slice(i));
      if (!m) refuse('redirections');
      start().text += m![0];
      i += m![0].length;
      continue;
    }
    if ('>|;&$`()'.includes(c)) refuse(`shell syntax (${c})`);
    const w = start();
    if (c === '~' && w.text === '' && (text[i + 1] === '/' || text[i + 1] === undefined || /\s/.test(text[i + 1])))
      w.tilde = true;
    if (c === '*') w.glob = true;
    w.text += c;
    i++;
  }
  if (word) words.push(word);
  return { words, comment: '', command: oneLine(text) };
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
