import { runCli } from '../client/cli/cli.js';
import { runEditor } from '../client/cli/editor.js';
import type { CliIO } from '../client/cli/io.js';
import { TOUR_MARKER } from './support/readme-tour.js';
import { README, TOUR, TourDriver, type CommandResult } from './support/tour-driver.js';

/**
 * The README's tour, run as written: every command line of its `<!-- tour -->` blocks, in order, against
 * a fresh server seeded with the real demo seed, from one fresh CLI home (test/support/tour-driver.ts),
 * each command in this process. The declaration `attest` asks for is answered "yes", and "y" where a
 * command asks before a step that cannot be taken back; a command that follows live gets its Ctrl+C
 * once it says it is following. Each step must exit 0. test/cli-package.e2e-spec.ts runs the same tour
 * with the installed package.
 */
describe('the README tour, run command by command against the seeded demo', () => {
  const tour = new TourDriver(run);
  beforeAll(() => tour.start());
  afterAll(() => tour.stop());

  it('finds the tour: every `npx strongroom` line of the README is in a marked block', () => {
    const all = README.split('\n').filter((l) => /^\s*npx strongroom\b/.test(l));
    const marked = TOUR.map((l) => l.source.split('\n')[0]);
    expect(all.filter((l) => !marked.includes(l))).toEqual([]);
    expect(README).toContain(TOUR_MARKER);
    expect(TOUR.length).toBeGreaterThan(30);
  });

  it.each(TOUR.map((l) => [`README line ${l.line}: ${l.command}`, l] as const))('%s', (_title, l) => tour.step(l));

  /** One command in-process, with the newcomer's answers to its questions and a Ctrl+C for `tail`. */
  async function run(argv: string[], env: Record<string, string>): Promise<CommandResult> {
    let out = '';
    let err = '';
    let pressCtrlC: () => void = () => undefined;
    const ctrlC = new Promise<void>((resolve) => (pressCtrlC = resolve));
    const io: CliIO = {
      env,
      out: (s) => void (out += s),
      err: (s) => {
        err += s;
        if (s.includes('Ctrl+C')) pressCtrlC();
      },
      ask: (question) => {
        err += question;
        // As the newcomer answers: "yes" to the declaration, "y" to a step that cannot be taken back.
        if (/Type "yes"/.test(question)) return Promise.resolve('yes');
        return Promise.resolve(/Continue\? \[y\/N\]/.test(question) ? 'y' : null);
      },
      readStdin: () => Promise.resolve(''),
      interrupted: () => ctrlC,
      terminal: false,
      edit: (command, file) => runEditor(command, file, ['ignore', 'inherit', 'inherit']),
    };
    const code = await runCli(argv, io);
    return { code, out, err };
  }
});
