import { randomBytes } from 'node:crypto';
import { link, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { CliUsageError } from './context.js';
import { systemProblem } from './system-errors.js';

export const fileExists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

export interface NewFileOptions {
  /** Replace a file already at `out`. */
  force: boolean;
  /** The option that named the file (`--out`), for the refusal when it is taken. */
  flag: string;
  /** A folder that cannot be written in is the person's mistake (exit 2), not this computer's (exit 4). */
  unwritableIsUsage?: boolean;
}

/**
 * Writes `out` (readable only by its owner) through a temporary file beside it that becomes `out` only
 * once `write` has finished: a failure or a refusal part-way leaves nothing behind. Without `force`, a
 * file already there is never replaced, even one made while `write` ran (a link fails where a rename
 * would replace it). Downloads and exports all save this way.
 */
export async function writeNewFile(
  out: string,
  opts: NewFileOptions,
  write: (handle: FileHandle) => Promise<void>,
): Promise<void> {
  const taken = () =>
    new CliUsageError(`${out} already exists: choose another ${opts.flag}, or add --force to replace it.`);
  // Said before the work, and checked again at the end (the name may be taken meanwhile).
  if (!opts.force && (await fileExists(out))) throw taken();
  const temporary = path.join(path.dirname(out), `.${path.basename(out)}.${randomBytes(6).toString('hex')}.part`);
  const handle = await open(temporary, 'wx', 0o600).catch((err: unknown) => {
    if (!opts.unwritableIsUsage) throw err;
    throw new CliUsageError(`Cannot write in ${path.dirname(out)}: ${systemProblem(err) ?? String(err)}`);
  });
  try {
    try {
      await write(handle);
    } finally {
      await handle.close();
    }
    if (opts.force) await rename(temporary, out);
    else {
      await link(temporary, out).catch((err: unknown) => {
        if ((err as { code?: string }).code === 'EEXIST') throw taken();
        throw err;
      });
    }
  } finally {
    // Gone already after a rename; after a link, or a failure, the temporary name goes now.
    await unlink(temporary).catch(() => undefined);
  }
}
