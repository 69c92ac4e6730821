import type { Command } from 'commander';
import {
  DECLINE_EXPLANATION_MIN_CHARACTERS,
  INFORMATION_REQUEST_BOXES,
  INFORMATION_REQUEST_STATES,
} from '../../../../contracts/information-requests.js';
import type { Action } from '../../cli.js';
import { collect, orList } from '../../choices.js';
import { secured } from '../../secure.js';
import { acceptRequest, assignRequest, declineRequest, provideRequest } from './answer.js';
import { closeRequest, sendRequest, withdrawRequest } from './ask.js';
import { downloadRequestFile, listRequests, showRequest } from './show.js';

const NAMING =
  '\nA request is named by its id, or by its first characters as `requests list` shows them. Families are\n' +
  'named by their reference (EH-2026-0042), agencies by name, people by e-mail address.';

/** Information requests between agencies (ISA 3.3.9, 3.3.10). */
export function registerRequestCommands(program: Command, action: Action): void {
  const requests = program
    .command('requests')
    .description('Information requests: ask a partner agency what it holds, answer or decline (encrypted)')
    .addHelpText(
      'after',
      NAMING +
        '\n\nA family’s lead worker, or the MASH hub about a referral it screens, asks; the agency asked answers through its agency admins or the person\n' +
        'they assign. The question, the answer and the reason for a refusal are encrypted: only the two\n' +
        `sides read them. A refusal needs a written reason of at least ${DECLINE_EXPLANATION_MIN_CHARACTERS} characters (ISA 3.3.10).\n` +
        'States: requested → accepted → provided, or declined; then closed by the asker. Withdrawn by the\n' +
        'asker before an answer.',
    );
  requests
    .command('send <family-or-referral>')
    .description(
      'Ask a partner agency what it holds about a family (its lead worker) or a MASH referral (the hub’s staff)',
    )
    .requiredOption('--to <agency>', 'the agency to ask, by name (as `agencies list` shows it)')
    .requiredOption('--due <when>', 'when the answer is due: YYYY-MM-DD (the end of that day) or a date and time')
    .requiredOption('--question <text>', 'what you are asking for (encrypted)')
    .requiredOption('--why <text>', 'why you need it: the agency decides whether to share on that (encrypted)')
    .addHelpText(
      'after',
      '\nExample:\n  strongroom requests send EH-2026-0042 --to "Northshire Police" --due 2026-03-10 \\\n' +
        '    --question "Any call-outs to the home this year?" --why "Planning the family’s support"',
    )
    .action(action(secured(sendRequest)));
  requests
    .command('list')
    .description('Requests asked of your agency (inbox) and by you (outbox), overdue first')
    .option('--box <box>', `${orList(INFORMATION_REQUEST_BOXES)} (default: both)`)
    .option('--state <state>', orList(INFORMATION_REQUEST_STATES))
    .action(action(secured(listRequests)));
  requests
    .command('show <request>')
    .description('One request: the question, and the answer or the reason it was declined, decrypted here')
    .addHelpText(
      'after',
      '\nExit code 6: the reason given for a refusal does not hold up (shorter than the rule, or changed\n' +
        'since it was sent); it is shown with a warning.',
    )
    .action(action(secured(showRequest)));
  requests
    .command('accept <request>')
    .description('Accept a request asked of your agency (its agency admins, or the person assigned)')
    .action(action(secured(acceptRequest)));
  requests
    .command('assign <request> <person>')
    .description('Give a request to someone of your agency to answer (agency admins); they can then read it')
    .action(action(secured(assignRequest)));
  requests
    .command('provide <request>')
    .description('Answer with what your agency holds (encrypted); accepts the request first if need be')
    .requiredOption('--text <text>', 'what your agency holds and can share')
    .option('--attach <file>', 'a file to send with the answer, encrypted here (repeat for more)', collect)
    .option('--quiet', 'no upload progress')
    .addHelpText(
      'after',
      '\nExample:\n  strongroom requests provide 1f3a9c2e --text "Two call-outs; the log is attached." --attach callouts.pdf',
    )
    .action(action(secured(provideRequest)));
  requests
    .command('download <request> <file>')
    .description('Save a file sent with an answer (its number in `requests show`, or its name), checked as it arrives')
    .option('--out <path>', 'where to save it (a file, or a folder); default: its name, here')
    .option('--force', 'replace a file that is already there')
    .option('--quiet', 'no progress')
    .action(action(secured(downloadRequestFile)));
  requests
    .command('decline <request>')
    .description(
      `Decline to share, saying why in at least a sentence (${DECLINE_EXPLANATION_MIN_CHARACTERS} characters or more)`,
    )
    .requiredOption('--reason <text>', 'why your agency will not share this; the asker reads it (encrypted)')
    .action(action(secured(declineRequest)));
  requests
    .command('withdraw <request>')
    .description('Withdraw a request you made, before it is answered')
    .action(action(secured(withdrawRequest)));
  requests
    .command('close <request>')
    .description('Close a request you made once it is answered or declined')
    .action(action(secured(closeRequest)));
}
