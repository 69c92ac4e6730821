import type { Command } from 'commander';
import { LAWFUL_BASES } from '../../../../contracts/consent.js';
import {
  FAMILY_CONSENTS,
  RAG_RATINGS,
  REFERRAL_DECISIONS,
  REFERRAL_STATES,
  REFERRAL_URGENCIES,
} from '../../../../contracts/referrals.js';
import type { Action } from '../../cli.js';
import { collect, orList } from '../../choices.js';
import { secured } from '../../secure.js';
import { claim, close, decide, download, list, queue, rate, share, show, submit } from './referrals.js';

/** The MASH hub ("Compass"): referrals in, screening, sharing, decisions. */
export function registerReferralCommands(program: Command, action: Action): void {
  const referrals = program
    .command('referrals')
    .description('Referrals to the MASH hub: make one, or (hub staff) screen, share and decide')
    .addHelpText(
      'after',
      '\nA referral is named by its reference (MASH-2026-000123), people by e-mail, families by reference (EH-…).\n' +
        'Everything written is encrypted on this computer for the hub’s staff (and partners it is shared with).\n' +
        'The referrer sees the acknowledgement, rating and decision; not what the hub or partners wrote.',
    );
  referrals
    .command('submit')
    .description('Refer a concern to the MASH hub: its reference and acknowledgement come back at once')
    .requiredOption('--category <code>', 'a concern category (repeat for more; see `referrals categories`)', collect)
    .requiredOption('--urgency <how>', `how soon the hub should act: ${orList(REFERRAL_URGENCIES)}`)
    .requiredOption('--family-consent <answer>', `does the family know and agree: ${orList(FAMILY_CONSENTS)}`)
    .option('--child <name[, YYYY-MM-DD]>', 'a child the concern is about (repeat for more; at least one)', collect)
    .option('--adult <name[, YYYY-MM-DD]>', 'an adult in the family (repeat for more)', collect)
    .requiredOption('--concern <text>', 'what happened or worries you')
    .option('--when <text>', 'when it happened or was seen')
    .option('--evidence <text>', 'what you saw, heard or hold')
    .option('--consent-note <text>', 'if the family has not agreed: why not')
    .option(
      '--attach <file>',
      'a file to send with it, encrypted here (repeat for more; progress on standard error)',
      collect,
    )
    .option('--quiet', 'no upload progress')
    .action(action(secured(submit)));
  referrals
    .command('categories')
    .description('The concern categories and screening deadlines the hub uses')
    .action(
      action(async (ctx) => {
        const { client } = await ctx.sessionClient();
        const st = await client.referralSettings();
        ctx.print(
          st,
          `MASH hub: ${st.hubAgencyName ?? '(none set up)'}\nCategories: ${st.categories.join(', ')}\n` +
            `Screening deadlines from receipt: red ${st.deadlineHours.red} h, amber ${st.deadlineHours.amber} h, green ${st.deadlineHours.green} h\n`,
        );
      }),
    );
  referrals
    .command('list')
    .description('Your referrals (default), those shared with you, or every one (hub staff)')
    .option('--shared', 'referrals the hub shared with you')
    .option('--hub', 'every referral (hub staff)')
    .option('--state <state>', REFERRAL_STATES.join(', '))
    .action(action(secured(list)));
  referrals
    .command('show <referral>')
    .description('A referral, decrypted here: in full for the hub and partners, the outcome for its referrer')
    .action(action(secured(show)));
  referrals
    .command('download <referral> <file>')
    .description(
      'Save a file sent with a referral (its number in `referrals show`, or its name), checked as it arrives',
    )
    .option('--out <path>', 'where to save it (a file, or a folder); default: its name, here')
    .option('--force', 'replace a file that is already there')
    .option('--quiet', 'no progress')
    .action(action(secured(download)));
  referrals
    .command('claim <referral>')
    .description('Take a referral on for screening (hub staff); the referrer then sees only the outcome')
    .action(action(secured(claim)));
  referrals
    .command('rate <referral>')
    .description('Rate a referral (hub staff); its screening deadline runs from receipt by the rating')
    .requiredOption('--rag <rating>', orList(RAG_RATINGS))
    .requiredOption('--why <text>', 'the rationale (encrypted)')
    .action(action(secured(rate)));
  referrals
    .command('share <referral> <person>')
    .description('Bring a partner practitioner into a referral (hub staff), on consent or a lawful basis')
    .option('--consent', 'the family agreed to the referral being shared')
    .option('--lawful-basis <basis>', `sharing without consent: ${orList(LAWFUL_BASES)}`)
    .option('--why <text>', 'with --lawful-basis: why it is necessary and proportionate (encrypted)')
    .action(action(secured(share)));
  referrals
    .command('decide <referral>')
    .description('Decide on a referral (hub staff); the referrer is told the decision')
    .requiredOption('--decision <decision>', orList(REFERRAL_DECISIONS))
    .requiredOption('--why <text>', 'the rationale (encrypted; the referrer does not see it)')
    .option('--family <EH-…>', 'early help: link this family')
    .option('--lead <e-mail>', 'early help: open a family led by this practitioner')
    .action(action(secured(decide)));
  referrals
    .command('close <referral>')
    .description('Close a decided referral (hub staff)')
    .action(action(secured(close)));

  program
    .command('queue')
    .description('The MASH hub’s open referrals, overdue first, with counts by rating and state (hub staff)')
    .action(action(secured(queue)));
}
