import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o700;

/**
 * Makes `dir` (and any missing parent) and sets it, and every directory between `root` and it, to 0700.
 * `mkdir`'s mode applies only to what it creates: a directory that already existed with a looser mode
 * (made by hand, restored from a backup, or by an older version) keeps it unless it is set here.
 */
export async function makePrivateDir(dir: string, root: string = dir): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
  const relative = path.relative(root, dir);
  const inside = relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
  let current = inside ? root : dir;
  await chmod(current, PRIVATE_DIR);
  for (const part of inside && relative ? relative.split(path.sep) : []) {
    current = path.join(current, part);
    await chmod(current, PRIVATE_DIR);
  }
}

/**
 * Writes `text` to `file` so that only this user can read it, every time: its directory (and those up to
 * `root`, e.g. STRONGROOM_HOME) 0700, then a new temporary file beside it, 0600, renamed over `file`. So
 * the file is 0600 even if it existed with a looser mode (`writeFile`'s mode applies only on creation), and
 * a reader never sees half of it. The temporary name is random, so two saves at once do not collide.
 */
export async function writePrivateFile(file: string, text: string, root: string = path.dirname(file)): Promise<void> {
  await makePrivateDir(path.dirname(file), root);
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, text, { mode: PRIVATE_FILE, flag: 'wx' });
    // The umask may have taken bits off the mode asked for; set exactly 0600.
    await chmod(tmp, PRIVATE_FILE);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
