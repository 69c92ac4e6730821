import type { Command } from 'commander';
import { CHANNEL_KINDS } from '../../../../contracts/channels.js';
import type { Action } from '../../cli.js';
import { collect, orList } from '../../choices.js';
import { withYes } from '../../confirm.js';
import { secured } from '../../secure.js';
import { createChannel, listChannels, showChannel } from './channels.js';
import { ADDED_ROLES, addChannelMember, leaveChannel, removeChannelMember, shareRecord } from './membership.js';
import { attachFile, downloadFile } from './files.js';
import { editMessage, readMessages, sendMessage, tailChannel } from './messages.js';
import { shareHistory, showFingerprint, verifyUser } from './trust.js';

/** The kinds `channels create` makes: an information request's conversation is made by `requests send`. */
const CREATED_KINDS = CHANNEL_KINDS.filter((k) => k !== 'information_request');

/** How every command here takes its <channel> argument. */
const CHANNEL_NAMING =
  '\nA channel is named by its title, by its id or the first characters of it (as `channels list` shows\n' +
  'them), a direct channel by the other person’s name, and a family’s channel by the family’s reference\n' +
  '(EH-2026-0001). People are named by e-mail address, or by name where only one person has it.';

/** For an option given more than once (`--mention a --mention b`). */

/** How --mention names people, for the help of `send` and `edit`. */
const MENTIONING =
  '\n--mention names someone in the channel by e-mail address, user id or name as `channels show` lists it\n' +
  '("--mention \'alice person\'"); give it once per person. They are told the message mentions them.\n' +
  'Replies, mentions and edits are encrypted with the message: the server cannot see them.';

/** Channels and messages, end to end encrypted: every command here unlocks this device's keys. */
export function registerChannelCommands(program: Command, action: Action): void {
  registerChannels(program, action);
  registerMessages(program, action);
}

function registerChannels(program: Command, action: Action): void {
  const channels = program
    .command('channels')
    .description('Your end-to-end encrypted channels')
    .addHelpText(
      'after',
      `${CHANNEL_NAMING}\nThese commands unlock this device’s keys: \`strongroom unlock\`, STRONGROOM_PASSPHRASE or a prompt.`,
    );
  channels
    .command('list')
    .description('Channels you are in: titles decrypted here, whom a direct one is with, messages you have not read')
    .action(action(secured(listChannels)));
  channels
    .command('create')
    .description('Create a channel; you chair it (a direct channel is between you and one other person)')
    .requiredOption('--kind <kind>', CREATED_KINDS.join(', '))
    .option('--title <text>', 'title, encrypted before it leaves this computer')
    .option('--member <user...>', 'people to add, by e-mail or user id (repeatable)')
    .option('--retention-days <n>', 'how long messages are kept (default: the policy for the kind)')
    .action(action(secured(createChannel)));
  channels
    .command('show <channel>')
    .description('A channel: members with their agency, role, devices, and whether this computer trusts them')
    .action(action(secured(showChannel)));
  channels
    .command('add <channel> <user>')
    .description('Add someone (chair only); they see messages from now on, and the case record at once')
    .option('--role <role>', orList(ADDED_ROLES), 'member')
    .option('--until <ISO date-time>', 'when an observer’s access ends')
    .action(action(secured(addChannelMember)));
  channels
    .command('share-record <channel> <user>')
    .description('Give a member the keys to the case record (family details, minutes, actions, plan), not older chat')
    .action(action(secured(shareRecord)));
  withYes(
    channels
      .command('remove <channel> <user>')
      .description('Remove someone (chair only); the key rotates so they cannot read what follows'),
  ).action(action(secured(removeChannelMember)));
  withYes(channels.command('leave <channel>').description('Leave a channel')).action(action(leaveChannel));
}

/** Messages (send, read, tail) and trust in people's device keys. */
function registerMessages(program: Command, action: Action): void {
  program
    .command('send <channel> [text]')
    .description('Encrypt and send a message; `-` or no text reads it from standard input')
    .option('--reply-to <seq>', 'answer message #seq (as `read` numbers them); readers see which message it answers')
    .option('--mention <person>', 'tell this person the message mentions them (repeatable)', collect, [])
    .option(
      '--client-message-id <uuid>',
      'your own id for this message: sending again with the same id (after exit code 3) stores it once',
    )
    .addHelpText(
      'after',
      `${CHANNEL_NAMING}${MENTIONING}\n\nExample: strongroom send EH-2026-0042 --reply-to 12 --mention bob@police.example 'Bob can visit on Tuesday'`,
    )
    .action(action(secured(sendMessage)));
  program
    .command('edit <channel> <seq> [text]')
    .description('Change the text of one of your own messages (#seq); readers see it marked "(edited)"')
    .option('--mention <person>', 'who the new text mentions, replacing the ones before (repeatable)', collect, [])
    .option(
      '--client-message-id <uuid>',
      'your own id for this change: running the command again with the same id stores it once',
    )
    .addHelpText(
      'after',
      `${CHANNEL_NAMING}${MENTIONING}\n\n` +
        'Only the person who sent a message can change it: everyone’s app ignores, and flags, a change by anyone\n' +
        'else. `-` or no text reads the new text from standard input. To take a message back, the sender deletes it.',
    )
    .action(action(secured(editMessage)));
  program
    .command('read <channel>')
    .description(
      'Fetch and decrypt messages, with edits folded in ("(edited)") and replies showing what they answer; exit code 6 if any could not be verified (shown with no sender), was moved, removed or re-dated on the server, or someone other than its sender tried to change it (marked)',
    )
    .option('--since <seq>', 'only messages after this sequence number', '0')
    .option('--limit <n>', 'at most this many', '100')
    .option('--keep-unread', 'do not mark the messages shown as read (they are, on all your devices, by default)')
    .addHelpText('after', CHANNEL_NAMING)
    .action(action(secured(readMessages)));
  program
    .command('tail [channel]')
    .description('Follow a channel live, or --all of yours; reconnects and catches up by itself (Ctrl+C to stop)')
    .option('--all', 'follow every channel you are in when it starts, each line labelled with its channel')
    .option('--since <seq>', 'start after this sequence number (default: now)')
    .option('--exit-after <n>', 'stop after this many messages (for scripts)')
    .addHelpText('after', `${CHANNEL_NAMING}\n\nExamples:\n  strongroom tail EH-2026-0042\n  strongroom tail --all`)
    .action(action(secured(tailChannel)));

  program
    .command('attach <channel> <file>')
    .description('Encrypt a file on this computer and send it to the channel (progress on standard error)')
    .option('--caption <text>', 'a few words sent with the file, encrypted with it')
    .option(
      '--client-message-id <uuid>',
      'your own id for the message: running the command again with the same id (after exit code 3) sends it once',
    )
    .option('--quiet', 'no progress')
    .addHelpText(
      'after',
      `${CHANNEL_NAMING}\n\n` +
        'The file is encrypted here with a key of its own, which travels inside the encrypted message with its\n' +
        'name and type: the server stores only encrypted pieces. Files are at most 25 MiB unless the server\n' +
        'allows more, and are deleted with the channel’s messages.\n\n' +
        "Example: strongroom attach EH-2026-0042 ./referral.pdf --caption 'Form from school'",
    )
    .action(action(secured(attachFile)));
  program
    .command('download <channel> <message>')
    .description('Fetch and decrypt a file sent in the channel, by its message number (#12) or its id')
    .option('--out <path>', 'where to save it: a file, or a folder (default: the sender’s file name, here)')
    .option('--force', 'replace a file that is already there')
    .option('--quiet', 'no progress')
    .addHelpText(
      'after',
      `${CHANNEL_NAMING}\n\n` +
        'Each piece is checked as it arrives; the file appears under its name only once all of it checked out.\n' +
        'A file altered on the server is not saved, and the command exits 6. The saved file is readable by you\n' +
        'alone. The name to save under is the sender’s, without any folder in it.',
    )
    .action(action(secured(downloadFile)));

  program
    .command('fingerprint <user>')
    .description('A person’s safety number, to compare with them in person or by phone')
    .action(action(showFingerprint));
  program
    .command('verify <user>')
    .description('After comparing safety numbers, trust this person’s identity key as it is now')
    .option('--safety-number <digits>', 'the number they read to you (for scripts; it must match)')
    .option('--yes', 'accept without comparing (only if you already compared another way)')
    .addHelpText(
      'after',
      '\nAsk them to run `strongroom fingerprint <their e-mail>` on their own computer and read the number to\n' +
        'you; it must match the one shown here. Conversations you share with them then get new keys that\n' +
        'include their devices.',
    )
    .action(action(secured(verifyUser)));
  withYes(
    program
      .command('share-history <channel> <user>')
      .description('Give a newcomer the keys to older messages (an explicit, audited decision)')
      .addHelpText('after', CHANNEL_NAMING),
  ).action(action(secured(shareHistory)));
}
