import { spawn, type StdioOptions } from 'node:child_process';
import os from 'node:os';

/**
 * Runs a person's editor on `file` and resolves to its exit code once it exits. `command` is the value of
 * VISUAL or EDITOR, which may carry its own arguments (`code --wait`, `emacs -nw`), so it is read by the
 * shell as git reads it: `sh -c '<command> "$@"' <command> <file>`, the file name passed as an argument,
 * never pasted into the command line.
 */
export function runEditor(command: string, file: string, stdio: StdioOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const child =
      process.platform === 'win32'
        ? spawn(`${command} "${file}"`, { shell: true, stdio })
        : spawn('/bin/sh', ['-c', `${command} "$@"`, command, file], { stdio });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0)));
  });
}

/** What the shell says when the editor command is not there: "command not found". */
export const EDITOR_NOT_FOUND = 127;
