import type { Command } from 'commander';
import { CONSENT_GIVERS, CONSENT_KINDS, CONSENT_METHODS, LAWFUL_BASES } from '../../../../contracts/consent.js';
import { FAMILY_MEMBER_ROLES } from '../../../../contracts/families.js';
import type { Action } from '../../cli.js';
import { orList } from '../../choices.js';
import { secured } from '../../secure.js';
import { DECISIONS, recordConsent, withdrawConsent } from './consent-record.js';
import { recordNotice, showConsent } from './consent-show.js';
import { createFamily, handOverFamily, listFamilies, showFamily } from './family.js';
import { recordLawfulBasis } from './lawful-basis.js';
import { setFamilyLocality } from './locality.js';
import { addFamilyMember } from './members.js';

/** The options `consent record` and `consent withdraw` share. */
const consentOptions = (c: Command) =>
  c
    .option('--kind <kind>', orList(CONSENT_KINDS), 'share')
    .option('--by <who>', orList(CONSENT_GIVERS), 'self')
    .option('--method <method>', orList(CONSENT_METHODS), 'written')
    .option('--on <YYYY-MM-DD>', 'date of the decision (default today)')
    .requiredOption('--form <version>', 'consent form version');

/** Families, their members and lead worker; the consent register; lawful bases. */
export function registerFamilyCommands(program: Command, action: Action): void {
  registerFamilies(program, action);
  registerConsent(program, action);
}

function registerFamilies(program: Command, action: Action): void {
  const families = program
    .command('families')
    .description('Families you work with (pseudonymous references; names are encrypted here)')
    .addHelpText('after', '\nThese commands unlock this device’s keys: STRONGROOM_PASSPHRASE or a prompt.');
  families
    .command('create')
    .description('Open a family: a new reference and channel, with you as lead worker')
    .option('--locality <name>', 'the locality it is supported in, as `localities list` shows')
    .action(action(secured(createFamily)));
  families.command('list').description('Families whose channel you are in').action(action(listFamilies));
  families
    .command('show <family>')
    .description('A family: lead worker, members (details decrypted here) and hand-overs')
    .action(action(secured(showFamily)));
  families
    .command('add-member <family>')
    .description('Add a family member; name and date of birth are encrypted before they leave this computer')
    .requiredOption('--role <role>', FAMILY_MEMBER_ROLES.join(', '))
    .option('--name <name>', 'their name (encrypted)')
    .option('--born <YYYY-MM-DD>', 'date of birth (encrypted)')
    .action(action(secured(addFamilyMember)));
  families
    .command('lead <family> <user>')
    .description('Hand the family to another lead worker (recorded; consent re-checked for their agency)')
    .action(action(secured(handOverFamily)));
  families
    .command('set-locality <family> <locality>')
    .description('Set the locality a family is supported in (its lead worker, or its agency’s administrator)')
    .addHelpText(
      'after',
      '\nThe locality by name, as `localities list` shows, or `none`. An agency administrator names the family\n' +
        'by its id. Example:\n  strongroom families set-locality EH-2026-0001 North',
    )
    .action(action(setFamilyLocality));
}

/** The consent register and lawful bases. */
function registerConsent(program: Command, action: Action): void {
  const consent = program
    .command('consent')
    .description('The consent register: consent to record and to share, per family member');
  consentOptions(
    consent
      .command('record <family> <member>')
      .description('Record consent given or refused (a child consenting themself needs --competence-by)'),
  )
    .option('--status <status>', orList(DECISIONS), 'given')
    .option('--agency <agency...>', 'agencies consent to share covers (id or name)')
    .option('--competence-by <user>', 'who judged the young person competent')
    .option('--competence-on <YYYY-MM-DD>', 'when (default today)')
    .option('--rationale <text>', 'why they were judged competent (encrypted)')
    .action(action(secured(recordConsent)));
  consentOptions(consent.command('withdraw <family> <member>').description('Record that consent was withdrawn')).action(
    action(secured(withdrawConsent)),
  );
  consent
    .command('show <family>')
    .description('Who consented to what, notices given, lawful bases, and which agencies may share')
    .action(action(secured(showConsent)));
  consent
    .command('notice <family> <member>')
    .description('Record that the fair-processing notice was given (ISA 5.1)')
    .requiredOption('--version <version>', 'notice version')
    .option('--on <YYYY-MM-DD>', 'when (default today)')
    .action(action(secured(recordNotice)));

  program
    .command('lawful-basis')
    .description('Lawful bases to share without consent')
    .command('record <family>')
    .description('Record a lawful basis to share with an agency without consent, approved by a manager')
    .requiredOption('--agency <agency>', 'the agency (id or name)')
    .requiredOption('--basis <basis>', LAWFUL_BASES.join(', '))
    .requiredOption('--justification <text>', 'why it is necessary and proportionate (encrypted)')
    .requiredOption('--approved-by <user>', 'the approving manager, of your agency (e-mail or id)')
    .action(action(secured(recordLawfulBasis)));
}
