import { CliUsageError } from './context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID (an id given on the command line rather than a name). */
export const isId = (s: string) => UUID.test(s.trim());

/** The fewest characters of an id a person may give for it: fewer would match too much by chance. */
export const ID_PREFIX_MIN = 4;

/** One thing a person may mean: its id, how a listing shows it, and the names it answers to. */
export interface Named {
  id: string;
  /** What the "which one did you mean" list shows for it (a title with its kind, a name with its agency). */
  label: string;
  /** Names it answers to, matched whole and ignoring case (a title, an e-mail address, a reference). */
  names: readonly (string | null | undefined)[];
}

/** What is being named, in the words of the refusals. */
export interface NameKind {
  /** `channel`, `person`, `agency`… */
  noun: string;
  /** The plural, where it is not the noun with an `s`. */
  plural?: string;
  /** What a name may be, for the refusal when none matches: `its title, its id or the first characters of it`. */
  namedBy: string;
  /** The command that lists them: `channels list`. */
  list: string;
}

/**
 * A person's name for one of `candidates`, as its id: the whole id as it is (the server decides whether
 * it exists), else a name matched whole and ignoring case, else the first characters of an id (at least
 * ID_PREFIX_MIN). More than one match is refused with the list to choose from ("which one did you mean"),
 * none with what to give instead. Every command that takes a channel, person, agency, family, meeting,
 * action, request, session or device resolves it here, so they all read names the same way.
 */
export function choose(which: string, candidates: readonly Named[], kind: NameKind): string {
  const wanted = which.trim();
  if (isId(wanted)) return wanted.toLowerCase();
  const lower = wanted.toLowerCase();
  const byName = candidates.filter((c) => c.names.some((n) => n && n.trim().toLowerCase() === lower));
  const found = byName.length
    ? byName
    : lower.length >= ID_PREFIX_MIN && /^[0-9a-f-]+$/.test(lower)
      ? candidates.filter((c) => c.id.startsWith(lower))
      : [];
  const distinct = [...new Map(found.map((c) => [c.id, c])).values()];
  if (distinct.length === 1) return distinct[0].id;
  if (distinct.length > 1) throw new AmbiguousNameError(wanted, distinct, kind);
  throw new CliUsageError(
    `Nothing matches "${wanted}" among the ${kind.plural ?? `${kind.noun}s`} \`strongroom ${kind.list}\` shows: ` +
      `name one by ${kind.namedBy}.`,
    'not_found',
  );
}

/** A name that fits more than one: the message lists them, `--json` gives them as `details.candidates`. */
export class AmbiguousNameError extends CliUsageError {
  constructor(which: string, candidates: readonly Named[], kind: NameKind) {
    const plural = kind.plural ?? `${kind.noun}s`;
    const width = Math.max(...candidates.map((c) => c.label.length));
    super(
      `"${which}" could be any of ${candidates.length} ${plural}. Which one did you mean?\n` +
        candidates.map((c) => `  ${c.label.padEnd(width)}  ${c.id}\n`).join('') +
        `Give its id, or enough of the start of it to tell them apart.`,
      'ambiguous',
      { candidates: candidates.map((c) => ({ id: c.id, label: c.label })) },
    );
  }
}
