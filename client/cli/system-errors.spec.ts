import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { reportError } from './context.js';
import { systemProblem } from './system-errors.js';

describe("this computer's own refusals, in plain words", () => {
  const missing = path.join(os.tmpdir(), 'strongroom-no-such-folder', 'minutes.json');

  it('names the file and what is wrong, never the system code', async () => {
    const err = await readFile(missing).catch((e: unknown) => e);
    expect(systemProblem(err)).toBe(`Cannot use ${missing}: there is no such file or folder.`);
    expect(systemProblem(new Error('not from the file system'))).toBeNull();
  });

  it('is what the CLI prints for a file error nothing else caught, in text and in --json', async () => {
    const err = await readFile(missing).catch((e: unknown) => e);
    for (const json of [false, true]) {
      let said = '';
      const io = { env: {}, out: (s: string) => void (said += s), err: (s: string) => void (said += s) };
      expect(reportError({ io: io as never, json }, err)).toBe(4);
      expect(said).toContain('there is no such file or folder');
      expect(said).not.toMatch(/ENOENT|syscall/);
    }
  });
});
