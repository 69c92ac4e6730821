import type { Command } from 'commander';
import { ACTION_STATUSES } from '../../../../contracts/actions.js';
import type { Action } from '../../cli.js';
import { secured } from '../../secure.js';
import { addAction } from './add.js';
import { editPlan, reportProgress } from './plan-edit.js';
import { reviewPlan } from './plan-review.js';
import { showPlan } from './plan-show.js';
import { listActions, myActions, showAction } from './show.js';
import { reassignAction, updateAction } from './update.js';

/** Actions with named owners, and the whole-family plan. */
export function registerActionCommands(program: Command, action: Action): void {
  registerActions(program, action);
  registerPlan(program, action);
}

function registerActions(program: Command, action: Action): void {
  const actions = program
    .command('actions')
    .description('Actions: a named owner, a due date, a status; descriptions encrypted')
    .addHelpText(
      'after',
      '\nAn action is named by its id, or (for your own) its first characters as `actions mine` shows.\n' +
        'Only the owner, the chair or the family’s lead worker changes an action’s status.',
    );
  actions
    .command('add')
    .description('Set an action for someone, in a meeting or a channel')
    .requiredOption('--owner <user>', 'who will do it (e-mail or id); a member of the channel')
    .requiredOption('--due <YYYY-MM-DD>', 'when it is due')
    .requiredOption('--text <description>', 'what is to be done (encrypted)')
    .option('--meeting <meeting>', 'the meeting that set it (its channel is used)')
    .option('--in <channel>', 'the channel (id) or family (reference), when not set in a meeting')
    .option('--item <item>', 'with --meeting: also minute it as an action entry against this agenda item')
    .option('--objective <which>', 'the whole-family plan objective it serves: its number in `plan show`, or its text')
    .action(action(secured(addAction)));
  actions
    .command('update <action>')
    .description('Move an action on: a new status, a progress note (encrypted), or both')
    .option('--status <status>', ACTION_STATUSES.join(', '))
    .option('--note <text>', 'a progress note (encrypted, attributed to you)')
    .action(action(secured(updateAction)));
  actions
    .command('list <channel>')
    .description('Every action in a channel (id) or family (reference), decrypted here')
    .action(action(secured(listActions)));
  actions
    .command('mine')
    .description('Your actions across every channel, overdue first')
    .action(action(secured(myActions)));
  actions
    .command('show <action>')
    .description('One action with its history: status changes, notes (decrypted here), reassignments')
    .action(action(secured(showAction)));
  actions
    .command('reassign <action> <user>')
    .description('Give an action to someone else, e.g. when its owner leaves (chair or lead worker; recorded)')
    .option('--reason <text>', 'why (encrypted)')
    .action(action(secured(reassignAction)));
}

function registerPlan(program: Command, action: Action): void {
  const plan = program
    .command('plan')
    .description('The whole-family plan: objectives, outcomes and measures (encrypted), review date, progress');
  plan
    .command('show <family>')
    .description('The plan, decrypted here: objectives, who it covers, progress reports')
    .action(action(secured(showPlan)));
  plan
    .command('edit <family>')
    .description('Change the plan (lead worker): add or change an objective, remove one, set the review or coverage')
    .option(
      '--objective <which>',
      'the objective to change, by its number in `plan show`; the next number (or "new") adds one',
    )
    .option('--text <objective>', 'what the objective is (with --objective)')
    .option('--outcome <text>', 'the outcome hoped for (with --objective)')
    .option('--measure <text>', 'how progress is measured (with --objective)')
    .option('--remove <which>', 'drop an objective (its number or text)')
    .option('--family-voice <text>', 'the family’s own view of the plan')
    .option('--review-on <YYYY-MM-DD>', 'when the plan is reviewed (a new plan: in 12 weeks)')
    .option('--cover <member...>', 'the family members it covers (M1 …); a new plan: everyone')
    .option('--from-file <file>', 'the whole plan document as JSON (- for standard input)')
    .addHelpText(
      'after',
      '\nEach edit saves a new version on top of the latest; a concurrent edit is refused, never overwritten.\n' +
        'Document format: {"objectives":[{"id":"<22 random letters and digits>","objective":"…","outcome":"…","measure":"…"}],"familyVoice":"…"}',
    )
    .action(action(secured(editPlan)));
  plan
    .command('progress <family>')
    .description('Report progress on an objective (encrypted); --family records the family’s own assessment')
    .requiredOption('--objective <which>', 'the objective: its number in `plan show`, or its text')
    .requiredOption('--report <text>', 'the progress report')
    .option('--family', 'this is the family’s own view (lead worker only)')
    .action(action(secured(reportProgress)));
  plan
    .command('review <family>')
    .description('Record a review of the plan (lead worker or chair): were its outcomes met?')
    .requiredOption('--outcome <outcome>', 'met, partly_met or not_met')
    .option('--on <YYYY-MM-DD>', 'the day of the review: today or earlier (default today)')
    .option('--note <text>', 'why (encrypted here; only the family’s professionals can read it)')
    .addHelpText(
      'after',
      '\nThe review is of the current version of the plan (as `plan show` shows it): if someone saves a new\n' +
        'version first, it is refused; read the new one and record the review again.\n' +
        'The outcome and the day are seen by the server: the programme report counts families whose plan\n' +
        'outcomes were met, partly met or not met, by quarter and locality. The note is not.\n' +
        'Example: strongroom plan review EH-2026-0001 --outcome met --note "Attendance back to normal"',
    )
    .action(action(secured(reviewPlan)));
}
