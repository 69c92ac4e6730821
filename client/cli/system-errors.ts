/**
 * This computer's own refusals (a file missing, a folder not writable, a full disk) in plain words: Node
 * reports them by code (`ENOENT`), which means nothing to the person reading.
 */
const WORDS: Record<string, string> = {
  ENOENT: 'there is no such file or folder',
  EACCES: 'you are not allowed to use it',
  EPERM: 'you are not allowed to use it',
  ENOTDIR: 'part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EEXIST: 'something is already there',
  ENOSPC: 'the disk is full',
  EROFS: 'the disk can only be read',
  EMFILE: 'too many files are open at once; try again',
};

/** The plain-words sentence for a failed file operation, or null when `err` is not one. */
export function systemProblem(err: unknown): string | null {
  // Not `instanceof Error`: an error made in another realm (a worker, a test's sandbox) is one too.
  const e = (typeof err === 'object' && err !== null ? err : {}) as NodeJS.ErrnoException;
  if (typeof e.code !== 'string' || typeof e.syscall !== 'string') return null;
  const words = WORDS[e.code] ?? 'this computer refused';
  return e.path ? `Cannot use ${e.path}: ${words}.` : `${words[0].toUpperCase()}${words.slice(1)}.`;
}
