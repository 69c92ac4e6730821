import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/**
 * Everything the CLI touches outside itself, passed in so tests can run it in-process with their own
 * environment and streams, and so no command reaches for `process` directly.
 */
export interface CliIO {
  env: Record<string, string | undefined>;
  out(text: string): void;
  err(text: string): void;
  /** Asks a question on the terminal; `secret` hides the answer. Null when there is no terminal to ask. */
  ask(question: string, opts?: { secret?: boolean }): Promise<string | null>;
  /** All of standard input (for `send <channel> -`). */
  readStdin(): Promise<string>;
  /** Resolves when the person asks to stop (Ctrl+C), for long-running commands such as `tail`. */
  interrupted(): Promise<void>;
}

/** The real terminal: answers are read from a TTY only, so a script never hangs waiting for input. */
export function processIO(): CliIO {
  return {
    env: process.env,
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    ask: (question, opts) => (process.stdin.isTTY ? askTty(question, opts?.secret ?? false) : Promise.resolve(null)),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    interrupted: () => new Promise((resolve) => process.once('SIGINT', () => resolve())),
  };
}

function askTty(question: string, secret: boolean): Promise<string> {
  // When hiding input, readline writes the echo to a muted stream; the question itself goes to stderr.
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      if (secret) process.stderr.write('\n');
      resolve(answer);
    });
    muted = secret;
  });
}
