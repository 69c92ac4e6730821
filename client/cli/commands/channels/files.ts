import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  AttachmentIntegrityError,
  fileSizeInWords,
  fileToSend,
  safeFileName,
  type FileReference,
  type FileToSend,
  type MessageView,
  type SecureSession,
  type TransferProgress,
} from '../../../sdk/node.js';
import { CliUsageError, EXIT_UNVERIFIED, type CliContext } from '../../context.js';
import { writeNewFile } from '../../new-file.js';
import { isId, resolveChannel } from '../../secure.js';

export interface AttachOpts {
  caption?: string;
  clientMessageId?: string;
  quiet?: boolean;
}

export interface DownloadOpts {
  out?: string;
  force?: boolean;
  quiet?: boolean;
}

/**
 * Progress on standard error, a line at each tenth of the file (a terminal and a log alike read that);
 * nothing with --json or --quiet.
 */
export function progressLines(
  ctx: CliContext,
  verb: string,
  name: string,
  quiet: boolean | undefined,
): ((p: TransferProgress) => void) | undefined {
  if (quiet || ctx.json) return undefined;
  let shown = -1;
  return ({ bytes, totalBytes }) => {
    const tenth = totalBytes ? Math.floor((bytes * 10) / totalBytes) : 10;
    if (tenth <= shown) return;
    shown = tenth;
    ctx.io.err(`${verb} ${name}: ${tenth * 10}% (${fileSizeInWords(bytes)} of ${fileSizeInWords(totalBytes)})\n`);
  };
}

/** The file at `file`, or a refusal in plain words when there is none. */
export async function fileAt(file: string): Promise<FileToSend> {
  try {
    return await fileToSend(file);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') throw new CliUsageError(`There is no file at ${file}.`);
    if (code === 'EISDIR' || (err instanceof Error && /is not a file/.test(err.message))) {
      throw new CliUsageError(`${file} is a folder, not a file.`);
    }
    throw err;
  }
}

/**
 * `attach`: encrypts a file on this computer and sends it to the channel as a message (with a caption,
 * if given). Its name, type and key go inside the encrypted message; the server stores only encrypted
 * pieces. A piece lost to the network is sent again; a script that gives its own `--client-message-id`
 * can run the command again after exit code 3 and the message is stored once (the file is uploaded again).
 */
export async function attachFile(
  ctx: CliContext,
  s: SecureSession,
  o: AttachOpts,
  which: string,
  file: string,
): Promise<void> {
  if (o.clientMessageId !== undefined && !isId(o.clientMessageId)) {
    throw new CliUsageError('--client-message-id must be a UUID, such as one from `uuidgen`.');
  }
  const channelId = await resolveChannel(s, which);
  const toSend = await fileAt(file);
  const { message, file: ref } = await s.sendFile(channelId, toSend, {
    caption: o.caption,
    clientMessageId: o.clientMessageId,
    onProgress: progressLines(ctx, 'Uploading', toSend.name, o.quiet),
  });
  ctx.print(
    {
      seq: message.seq,
      attachmentId: ref.attachmentId,
      name: ref.name,
      mediaType: ref.mediaType,
      size: ref.size,
      expiresAt: message.expiresAt,
    },
    `Sent ${ref.name} (${fileSizeInWords(ref.size)}) as #${message.seq}; kept until ${message.expiresAt}.\n`,
  );
}

/** The file message `target` names: by its number (#12 or 12) or by the file's id. */
async function fileMessage(s: SecureSession, channelId: string, target: string): Promise<MessageView> {
  const { messages } = await s.readConversation(channelId);
  const wanted = target.trim();
  if (isId(wanted)) {
    const found = messages.find((m) => m.file?.ref.attachmentId === wanted.toLowerCase());
    if (found) return found;
    throw new CliUsageError(`No message you can read in this channel has the file ${wanted}.`);
  }
  const seq = /^#?\d+$/.test(wanted) ? Number(wanted.replace('#', '')) : NaN;
  if (!Number.isSafeInteger(seq) || seq < 1) {
    throw new CliUsageError(
      'Name the file by its message number, as `strongroom read` shows it (#12 or 12), or by its id.',
    );
  }
  const found = messages.find((m) => m.seq === seq);
  if (!found)
    throw new CliUsageError(`There is no message #${seq} you can see in this channel (see \`strongroom read\`).`);
  if (found.kind !== 'file') throw new CliUsageError(`#${seq} is not a file.`);
  return found;
}

/** Where to save: `--out` (a file, or a folder to save into), else the sender's file name here. */
async function destination(out: string | undefined, name: string): Promise<string> {
  if (out === undefined) return path.resolve(safeFileName(name));
  const isFolder = await stat(out).then(
    (st) => st.isDirectory(),
    () => false,
  );
  return isFolder ? path.join(path.resolve(out), safeFileName(name)) : path.resolve(out);
}

/**
 * `download`: fetches a file sent in the channel, decrypting and checking each piece as it arrives, into a
 * temporary file beside the destination that becomes the file only when every piece checked out. A file
 * that was altered on the server leaves nothing behind and exits 6. An existing file is replaced only
 * with `--force`. The name to save under is the sender's, without any folder in it.
 */
export async function downloadFile(
  ctx: CliContext,
  s: SecureSession,
  o: DownloadOpts,
  which: string,
  target: string,
): Promise<number | void> {
  const channelId = await resolveChannel(s, which);
  const { file } = await fileMessage(s, channelId, target);
  return saveFile(ctx, s, o, file!.ref);
}

/**
 * The file a person named among a record's files: by its number as a listing shows it (`2`, `#2`) or by
 * its name. `record` says whose files they are, for the refusal ("The referral", "The answer").
 */
export function chosenFile(files: readonly FileReference[], file: string, record: string): FileReference {
  const n = /^#?\d+$/.test(file.trim()) ? Number(file.trim().replace('#', '')) : NaN;
  const chosen = Number.isSafeInteger(n) ? files[n - 1] : files.find((f) => f.name === file);
  if (chosen) return chosen;
  throw new CliUsageError(
    files.length
      ? `${record} has no file "${file}": name it by its number (1 to ${files.length}) or its name.`
      : `${record} has no files.`,
  );
}

/** A record's files as a numbered list, with the command that saves one. */
export const fileListing = (files: readonly FileReference[], saveWith: string): string =>
  `\nFiles (${saveWith} <number>):\n` +
  files.map((f, i) => `  ${i + 1}. ${f.name} (${fileSizeInWords(f.size)})`).join('\n');

/**
 * Saves a file a reference names (from a message or a record), as `download` describes: a temporary file
 * renamed only once every piece checked out; 6 when it could not be verified.
 */
export async function saveFile(
  ctx: CliContext,
  s: SecureSession,
  o: DownloadOpts,
  ref: FileReference,
): Promise<number | void> {
  const out = await destination(o.out, ref.name);
  try {
    await writeNewFile(out, { force: o.force === true, flag: '--out' }, async (handle) => {
      const onProgress = progressLines(ctx, 'Downloading', ref.name, o.quiet);
      for await (const piece of s.downloadFile(ref, { onProgress })) await handle.write(piece);
    });
  } catch (err) {
    if (!(err instanceof AttachmentIntegrityError)) throw err;
    const message = `The file could not be verified, so nothing was saved: ${err.message}`;
    if (ctx.json) ctx.io.out(JSON.stringify({ error: { code: 'unverified', message } }, null, 2) + '\n');
    else ctx.io.err(`${message}\n`);
    return EXIT_UNVERIFIED;
  }
  ctx.print(
    { path: out, name: ref.name, mediaType: ref.mediaType, size: ref.size, attachmentId: ref.attachmentId },
    `Saved ${ref.name} (${fileSizeInWords(ref.size)}) to ${out}.\n`,
  );
}
