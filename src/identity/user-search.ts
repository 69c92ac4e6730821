/**
 * How a colleague search reads what was typed: the words of a name, each the start of a word of the
 * person's name, in any order. Pure, so the rule is one place with its own spec; the query runs in
 * UsersRepository.searchActive.
 */

/** The words typed: runs of letters (with their accents) and digits; anything else only separates them. */
export function nameWords(q: string): string[] {
  return q.split(/[^\p{L}\p{M}\p{N}]+/u).filter((w) => w.length > 0);
}

/**
 * A PostgreSQL text-search query (`simple` configuration) that a name matches when it has a word
 * starting with each word typed: `grace ob` → `grace:* & ob:*`. Only letters and digits reach it, so
 * nothing typed can act as an operator. Null when nothing was typed that could match a name. The
 * database lower-cases the words with the same rules as the names, so case never matters.
 */
export function namePrefixQuery(q: string): string | null {
  const words = nameWords(q);
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : null;
}
