import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * What a person reads is in plain words: no protocol jargon ("epoch", "envelope", "path parameter") in
 * any error message the server sends or the SDK throws. Error codes (`epoch_stale`) stay: programs read
 * those. This reads the source, so a message added later with jargon fails here.
 */
const ROOT = path.join(__dirname, '..');
const JARGON = /\b(epochs?|envelopes?|path parameters?)\b|\b(ENOENT|EACCES|EPERM|EEXIST|ENOTDIR|EISDIR|ENOSPC)\b/i;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return files(full);
    return /\.ts$/.test(name) && !/\.spec\.ts$/.test(name) ? [full] : [];
  });
}

/**
 * The string literals passed as a message: to an error constructor or a refusal helper, and what the CLI
 * says on standard error (its progress lines and the questions it asks before an irreversible step).
 */
function messages(source: string): string[] {
  const out: string[] = [];
  const call =
    /\b(?:new \w*Error|conflict|forbidden|badRequest|notFound|tooManyRequests|refuse|this\.warn|warn|confirm|progress|io\.err)\(\s*(?:'[a-z_]+',\s*)?(?:[^'"`()]*?,\s*)?(['"`])((?:\\.|(?!\1).)*)\1/gs;
  // What a placeholder holds is a value, not a word anyone reads: `${epoch}` is checked where it is made.
  for (const m of source.matchAll(call)) out.push(m[2].replace(/\$\{[^}]*\}/g, '…'));
  return out;
}

describe('plain words in every error message', () => {
  const sources = [...files(path.join(ROOT, 'src')), ...files(path.join(ROOT, 'client'))];

  it('finds the messages it checks (the scan itself works)', () => {
    const all = sources.flatMap((f) => messages(readFileSync(f, 'utf8')));
    expect(all.length).toBeGreaterThan(100);
    expect(all).toContain('The conversation has a new key since this was encrypted: encrypt it again and resend.');
    // The CLI's questions before an irreversible step, and its progress lines, are read too.
    expect(all.some((m) => m.startsWith('Making key pairs and registering the public keys'))).toBe(true);
    expect(all.some((m) => m.startsWith('Closing the meeting signs its latest minutes'))).toBe(true);
  });

  it('catches what it is for: jargon and system error codes in a message', () => {
    const bad = messages(
      "throw new CliUsageError('Open an epoch first.'); ctx.progress(`Cannot use ${p}: ENOENT`); " +
        "await confirm(ctx, o, 'Seal the key envelopes?');",
    );
    expect(bad.filter((m) => JARGON.test(m))).toHaveLength(3);
  });

  it.each(sources.map((f) => [path.relative(ROOT, f), f]))('%s', (_name, file) => {
    const bad = messages(readFileSync(file, 'utf8')).filter((m) => JARGON.test(m));
    expect(bad).toEqual([]);
  });
});
