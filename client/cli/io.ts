import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { runEditor } from './editor.js';

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
  /** True when standard input and output are both a terminal, where a person can use an editor. */
  terminal: boolean;
  /**
   * Opens `file` in the editor `command` (VISUAL or EDITOR, arguments and all) and resolves to its exit
   * code once the person closes it.
   */
  edit(command: string, file: string): Promise<number>;
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
    terminal: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    edit: async (command, file) => {
      // Ctrl+C in the editor reaches this process too: the editor decides what it means, and this process
      // stays alive to remove the temporary file afterwards (as git does).
      const ignore = () => undefined;
      process.on('SIGINT', ignore);
      try {
        return await runEditor(command, file, 'inherit');
      } finally {
        process.off('SIGINT', ignore);
      }
    },
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
