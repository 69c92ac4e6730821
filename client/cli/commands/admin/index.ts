import type { Command } from 'commander';
import { AGENCY_SECTORS } from '../../../../contracts/agencies.js';
import { ROLES, USER_SEARCH_LIMIT } from '../../../../contracts/identity.js';
import type { Action } from '../../cli.js';
import { withYes } from '../../confirm.js';
import {
  giveNotice,
  listAgencies,
  registerAgency,
  reinstateAgency,
  showAgency,
  signAgency,
  suspendAgency,
} from './agencies.js';
import { listAgreements, publishAgreement } from './agreements.js';
import { registerAuditEventsCommand } from './audit-events.js';
import { auditHeads, auditVerify } from './audit-heads.js';
import { clearSignInDelay, listSignInDelays } from './sign-in-delays.js';
import { handOverUser } from './hand-over.js';
import { createUser, disableUser, listUsers, searchUsers } from './users.js';

/** The ISA signatory register, agreement versions, accounts, sign-in delays and the audit trail. */
export function registerAdminCommands(program: Command, action: Action): void {
  registerAgencies(program, action);
  registerAccounts(program, action);
}

function registerAgencies(program: Command, action: Action): void {
  const agencies = program
    .command('agencies')
    .description('The ISA signatory register')
    .addHelpText(
      'after',
      '\nAn agency is named by its name ("Northshire Police", in quotes) or its id, as `agencies list` shows.',
    );
  agencies.command('list').description('Every agency and its ISA status').action(action(listAgencies));
  agencies.command('show <agency>').description('One agency and its signatures').action(action(showAgency));
  agencies
    .command('register')
    .description('Register a partner agency (isa_admin); it can share once it signs')
    .requiredOption('--name <name>', 'the organisation’s name')
    .requiredOption('--sector <sector>', AGENCY_SECTORS.join(', '))
    .option('--dea-s35', 'a Digital Economy Act 2017 s35 partner')
    .action(action(registerAgency));
  agencies
    .command('sign <agency>')
    .description('Record an agency’s signature of the agreement (isa_admin)')
    .requiredOption('--signatory-name <name>', 'who signed')
    .requiredOption('--signatory-title <title>', 'their title')
    .option('--signatory-organisation <name>', 'their organisation (default: the agency)')
    .requiredOption('--signed-on <YYYY-MM-DD>', 'the date on the signature')
    .option('--agreement-version <id>', 'the version signed (default: the current one)')
    .action(action(signAgency));
  withYes(
    agencies
      .command('notice <agency>')
      .description(
        'Record an agency’s written notice to withdraw; it takes effect one calendar month later (isa_admin)',
      )
      .option('--given-at <ISO date-time>', 'when the notice was received (default: now)')
      .option('--reason <text>', 'why the notice is dated in the past (needed then; kept in the audit log)'),
  ).action(action(giveNotice));
  withYes(
    agencies
      .command('suspend <agency>')
      .description('Suspend an agency from sharing at once (isa_admin)')
      .requiredOption('--reason <text>', 'why (recorded)'),
  ).action(action(suspendAgency));
  agencies.command('reinstate <agency>').description('Lift a suspension (isa_admin)').action(action(reinstateAgency));
}

/** Agreement versions, accounts, sign-in delays and the audit trail. */
function registerAccounts(program: Command, action: Action): void {
  const agreements = program.command('agreements').description('Versions of the Information Sharing Agreement');
  agreements.command('list').description('Published versions, newest first').action(action(listAgreements));
  agreements
    .command('publish')
    .description('Publish a new agreement version (isa_admin): agencies must re-sign, users re-confirm')
    .requiredOption('--label <version>', 'e.g. 11.0')
    .requiredOption('--published-on <YYYY-MM-DD>', 'publication date')
    .requiredOption('--text-ref <reference>', 'where the agreement text is kept')
    .action(action(publishAgreement));

  const users = program
    .command('users')
    .description('People: find colleagues in partner agencies; create, list and disable accounts (admins)');
  users
    .command('search [words...]')
    .description(`Find colleagues in partner agencies by name and/or agency (at most ${USER_SEARCH_LIMIT}, by name)`)
    .option('--agency <agency>', 'only people of this agency (name or id); with no words, its people by name')
    .addHelpText(
      'after',
      '\nEach word is the start of one of their names, in any order and any case: `users search gra ob` finds\n' +
        'Grace Obi. Only people of agencies party to the agreement, with active accounts, are found.\n' +
        'Type at least 2 letters, unless you give --agency.',
    )
    .action(action(searchUsers));
  users
    .command('create')
    .description(
      'Create an account and get its one-time invitation token (isa_admin, or agency_admin for their agency)',
    )
    .requiredOption('--email <address>', 'the person’s work e-mail address')
    .requiredOption('--name <display name>', 'their name as partners will see it')
    .requiredOption('--role <role>', ROLES.join(', '))
    .option('--agency <agency>', 'their agency, by name or id (default: yours)')
    .action(action(createUser));
  users
    .command('list')
    .description('Accounts (agency admins see their own agency)')
    .option('--agency <agency>', 'only this agency (name or id)')
    .action(action(listUsers));
  withYes(
    users
      .command('disable <user>')
      .description(
        'Off-board a leaver: the account is disabled, every session ends at once, and their open actions and families are handed over',
      )
      .option('--reason <text>', 'why (recorded)')
      .option('--reassign-to <colleague>', 'hand every open action to this colleague (e-mail, name or id)')
      .addHelpText(
        'after',
        '\nThe person is named by e-mail address, name or id, as `users list` shows them.\n' +
          'Afterwards their open actions and the families they lead are listed; at a terminal you are asked,\n' +
          'for each, which colleague takes it on (blank: later). With --yes or --json nothing is asked: hand\n' +
          'them over later with `users hand-over`. A colleague must be in the action’s channel.\n' +
          'Exit code 1 if a hand-over you asked for was refused (the rest is done).',
      ),
  ).action(action(disableUser));
  withYes(
    users
      .command('hand-over <user>')
      .description('A leaver’s open actions and the families they lead, and handing them to colleagues (admins)')
      .option('--reassign-to <colleague>', 'hand every open action to this colleague (e-mail, name or id)')
      .option('--action <id>', 'one action (with --to)')
      .option('--to <colleague>', 'who takes that action on')
      .option('--family <reference>', 'one family the leaver leads, by reference or id (with --lead)')
      .option('--lead <colleague>', 'its new lead worker (a practitioner)')
      .addHelpText(
        'after',
        '\nWith no choice given, at a terminal, you are asked about each piece in turn (blank: later); with\n' +
          '--yes or --json only the list is shown. The new holder is notified. Exit code 1 if a hand-over was refused.',
      ),
  ).action(action(handOverUser));

  const delays = program
    .command('sign-in-delays')
    .description('Accounts and network addresses held back by failed sign-ins (isa_admin)');
  delays.command('list').description('Who is held back now, and until when').action(action(listSignInDelays));
  delays
    .command('clear <user>')
    .description('Forget the failed sign-ins at an account, so its owner can sign in at once (recorded)')
    .action(action(clearSignInDelay));

  const audit = program.command('audit').description('The append-only, hash-chained audit trail');
  audit
    .command('verify')
    .description('Check the audit hash chain: the server recomputes it, then this computer does too, independently')
    .option(
      '--from-head <file>',
      'check instead that the log leads, unchanged, to a head you saved (audit heads --save)',
    )
    .option('--log <file>', 'with --from-head: the whole log exported to a file; checked here, with no server')
    .option(
      '--key <public-key>',
      'with --from-head: the signing key you were given; a head signed by another is refused',
    )
    .addHelpText(
      'after',
      '\nWith --from-head the check runs on this computer: the saved head’s signature, every link of the log,\n' +
        'and that the log still holds exactly the signed hash at that event. Exit 0 when intact, 1 when not.\n' +
        'Examples:\n' +
        '  strongroom audit verify\n' +
        '  strongroom audit heads --sign --save head-2026-12.json\n' +
        '  strongroom audit verify --from-head head-2026-12.json --log audit-log.json',
    )
    .action(action(auditVerify));
  audit
    .command('heads')
    .description('The signed heads of the audit log, newest first, and the key that signs them')
    .option('--sign', 'sign the log’s end now first (ISA administrators and auditors)')
    .option('--save <file>', 'keep the newest head in a file, to check a copy of the log against later')
    .option('--force', 'with --save: replace the file if it exists')
    .option('--limit <n>', 'how many heads to list', '10')
    .addHelpText(
      'after',
      '\nA head is the log’s last event and its hash, signed by the server. Keep a saved head somewhere the\n' +
        'server cannot reach; a log that was altered or cut short no longer leads to it (audit verify --from-head).',
    )
    .action(action(auditHeads));
  registerAuditEventsCommand(audit, action);
}
