import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { MinutesDocument } from '../../../../contracts/sealed.js';
import { writePrivateFile, type MeetingView, type SecureSession } from '../../../sdk/node.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { EDITOR_NOT_FOUND } from '../../editor.js';
import { homeDir } from '../../state.js';
import { agendaOf } from './agenda.js';
import { minutesTemplate, parseMinutesTemplate, TemplateError, type TemplateContext } from './minutes-template.js';
import { localTime } from './when.js';

/** The latest minutes as `SecureSession.readMinutes` gives them (null before the first save). */
export type CurrentMinutes = { version: number; document: MinutesDocument } | null;

/** What the template for this meeting's minutes shows besides the document. */
export async function templateContext(
  s: SecureSession,
  m: MeetingView,
  current: CurrentMinutes,
): Promise<TemplateContext> {
  const at = localTime(new Date(m.scheduledAt));
  return {
    agenda: await agendaOf(s, m),
    familyVoice: m.kind === 'family' || Boolean(current?.document.familyVoice),
    about: [
      `Minutes of the ${m.kind} meeting of ${at} (id ${m.id.slice(0, 8)}), ` +
        (current ? `from version ${current.version}.` : 'the first version.'),
    ],
  };
}

/**
 * `minutes edit <meeting>` with nothing to write on the command line: the minutes as a readable text in
 * the person's editor, saved as a new version when they close it, if they changed anything. The text is
 * on disk only while the editor has it: in a folder of its own that only this user can open, removed
 * afterwards whatever happens. If it cannot be saved (headings broken, the editor failed, the server
 * refused), what the person typed is kept in their Strongroom folder and they are told where.
 */
export async function editInEditor(ctx: CliContext, s: SecureSession, m: MeetingView, current: CurrentMinutes) {
  const short = m.id.slice(0, 8);
  refuseIfNotWritable(m, s.userId, short);
  const editor = editorCommand(ctx);
  const doc: MinutesDocument = current?.document ?? { sections: [] };
  const t = await templateContext(s, m, current);
  const template = minutesTemplate(doc, t);
  const { code, text } = await editText(ctx, editor, template, `minutes-${short}.txt`);
  const keep = () => keepText(ctx, text ?? '', short);
  if (code === EDITOR_NOT_FOUND) {
    throw new CliUsageError(
      `The editor "${editor}" could not be started: there is no such command. Set VISUAL or EDITOR to ` +
        'the editor you use (for example EDITOR=nano), or write the minutes with --item and --notes.',
      'editor_failed',
    );
  }
  if (text === null) throw new CliUsageError('The editor left no file behind: nothing was saved.', 'editor_failed');
  if (code !== 0) {
    const kept = text === template ? null : await keep();
    throw new CliUsageError(
      `The editor stopped with an error (exit code ${code}), so nothing was saved.` + (kept ? keptNote(kept) : ''),
      'editor_failed',
      kept ? { keptIn: kept.file } : undefined,
    );
  }
  let next: MinutesDocument;
  try {
    next = parseMinutesTemplate(text, doc, t);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    const kept = await keep();
    throw new CliUsageError(`${err.message}\nNothing was saved.${keptNote(kept)}`, 'minutes_template', {
      keptIn: kept.file,
    });
  }
  if (JSON.stringify(next) === JSON.stringify(parseMinutesTemplate(template, doc, t))) {
    ctx.print({ meetingId: m.id, version: current?.version ?? 0, saved: false }, 'No changes: nothing saved.\n');
    return;
  }
  let version: number;
  try {
    version = await s.saveMinutes(m.id, next, current?.version ?? 0);
  } catch (err) {
    const kept = await keep();
    ctx.io.err(`Nothing was saved.${keptNote(kept)}\n`);
    throw err;
  }
  ctx.print({ meetingId: m.id, version, saved: true, document: next }, `Saved minutes version ${version}.\n`);
}

/** Minutes are written by the chair or the minute-taker while the meeting runs: said before any typing. */
function refuseIfNotWritable(m: MeetingView, userId: string, short: string): void {
  if (m.status === 'closed') {
    throw new CliUsageError(
      `The meeting is closed and its minutes are signed and locked: correct them with \`strongroom minutes amend ${short}\`.`,
      'minutes_locked',
    );
  }
  if (m.status === 'scheduled') {
    throw new CliUsageError(
      `The meeting has not started: the chair starts it with \`strongroom meetings start ${short}\`, then the minutes can be written.`,
      'invalid_status',
    );
  }
  if (m.chairId !== userId && m.minuteTakerId !== userId) {
    throw new CliUsageError('Only the chair or the minute-taker can write the minutes.', 'minute_taker_only');
  }
}

/**
 * VISUAL, then EDITOR, then `vi` as other command-line tools do. With no terminal and neither set there
 * is nowhere to open `vi`, so the person is told what to do instead of waiting for an editor never seen.
 */
function editorCommand(ctx: CliContext): string {
  const set = (ctx.io.env.VISUAL || ctx.io.env.EDITOR || '').trim();
  if (set) return set;
  if (ctx.io.terminal) return 'vi';
  throw new CliUsageError(
    'There is no terminal here to open an editor in. Set EDITOR to an editor command (for example ' +
      'EDITOR="code --wait"), or say what to write: --item with --notes or --append, --family-voice, or ' +
      '--from-file (a file in the same text form, or JSON).',
    'no_editor',
  );
}

/**
 * `text` in a new file named `name` inside a new folder only this user can open (0700, the file 0600), the
 * editor run on it, and what it left there (null if the file is gone). The folder is removed afterwards,
 * whatever happened: the minutes are not left in plain text behind the person's back.
 */
async function editText(
  ctx: CliContext,
  editor: string,
  text: string,
  name: string,
): Promise<{ code: number; text: string | null }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'strongroom-'));
  try {
    await chmod(dir, 0o700);
    const file = path.join(dir, name);
    await writeFile(file, text, { mode: 0o600, flag: 'wx' });
    await chmod(file, 0o600);
    ctx.progress(`Opening the minutes in ${editor}; save and close it to carry on.\n`);
    const code = await ctx.io.edit(editor, file);
    return { code, text: await readFile(file, 'utf8').catch(() => null) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What the person typed, kept in their Strongroom folder (0600 in 0700 folders) when it was not saved. */
async function keepText(ctx: CliContext, text: string, short: string): Promise<{ file: string; short: string }> {
  const home = homeDir(ctx.io.env);
  const stamp = new Date().toISOString().replace(/[-:Z]/g, '').replace(/[T.]/g, '-');
  const file = path.join(home, 'kept', `minutes-${short}-${stamp}.txt`);
  await writePrivateFile(file, text, home);
  return { file, short };
}

const keptNote = ({ file, short }: { file: string; short: string }) =>
  `\nWhat you typed is kept in ${file} (only you can read it). When it is right, save it with:\n` +
  `  strongroom minutes edit ${short} --from-file ${file}\n` +
  'That replaces the whole minutes: check `strongroom minutes show` first if someone else may have written since.';
