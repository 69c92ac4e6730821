import { runCli } from '../../client/cli/cli.js';
import type { CliIO } from '../../client/cli/io.js';
import type { TestApp } from './test-app.js';

export interface Result {
  code: number;
  out: string;
  err: string;
}

/**
 * The `strongroom` command run in-process against the real server: real HTTP, real files in a
 * throw-away STRONGROOM_HOME. `answers` are what a person would type at prompts; without them there is
 * no terminal, as in a script.
 */
export async function cli(
  home: string,
  t: TestApp,
  argv: string[],
  env: Record<string, string> = {},
  answers?: string[],
) {
  let out = '';
  let err = '';
  const queue = answers ? [...answers] : null;
  const io: CliIO = {
    env: { STRONGROOM_HOME: home, STRONGROOM_URL: t.baseUrl, ...env },
    out: (s) => void (out += s),
    err: (s) => void (err += s),
    ask: (q) => {
      err += q;
      return Promise.resolve(queue ? (queue.shift() ?? '') : null);
    },
    readStdin: () => Promise.resolve(env.STDIN ?? ''),
    interrupted: () => new Promise(() => undefined),
  };
  const code = await runCli(argv, io);
  return { code, out, err } satisfies Result;
}

export const json = <T>(r: Result): T => JSON.parse(r.out) as T;
