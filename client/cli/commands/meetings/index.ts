import type { Command } from 'commander';
import { MEETING_KINDS } from '../../../../contracts/meetings.js';
import type { Action } from '../../cli.js';
import { withYes } from '../../confirm.js';
import { secured } from '../../secure.js';
import { setAttendance } from './attendance.js';
import { addDecision } from './entries.js';
import { closeMeeting, inviteToMeeting, startMeeting } from './lifecycle.js';
import { listMeetings } from './list.js';
import { amendMinutes, editMinutes } from './minutes-edit.js';
import { showMinutes } from './minutes-show.js';
import { scheduleMeeting } from './schedule.js';
import { showMeeting } from './show.js';

/** Meetings, minutes, attendance and decisions: everything a chair or minute-taker does. */
export function registerMeetingCommands(program: Command, action: Action): void {
  registerMeetings(program, action);
  registerMinutes(program, action);
  registerRecords(program, action);
}

function registerMeetings(program: Command, action: Action): void {
  const meetings = program
    .command('meetings')
    .description('Locality, Family and professionals’ meetings: schedule, run, close (signed)')
    .addHelpText(
      'after',
      '\nA meeting is named by its id or its first characters, as `meetings list` shows.\n' +
        'Place, agenda, minutes and entries are encrypted on this computer; the server sees times and people.\n' +
        'A meeting runs: schedule → start → attendance set / minutes edit / decisions add → close → (amend).',
    );
  meetings
    .command('schedule <channel>')
    .description('Schedule a meeting in a channel (or a family’s channel, by its reference)')
    .requiredOption('--kind <kind>', MEETING_KINDS.join(', '))
    .requiredOption('--at <when>', 'when, e.g. 2026-12-01T10:00 or "tomorrow 10:00" (local time), or an ISO timestamp')
    .option('--past', 'record a meeting that already happened (a time in the past is refused without it)')
    .option('--place <text>', 'where, or the video link (encrypted)')
    .option('--agenda <item...>', 'agenda items in order (encrypted); numbered 1, 2, 3…')
    .option('--minute-taker <user>', 'who takes the minutes (e-mail or id); default the chair')
    .option('--invite <user...>', 'people to invite (e-mail or id); they must be members of the channel')
    .action(action(secured(scheduleMeeting)));
  meetings
    .command('list')
    .description('Meetings you are invited to, or every meeting of one channel')
    .option('--channel <channel>', 'a channel id or a family reference')
    .action(action(secured(listMeetings)));
  meetings
    .command('show <meeting>')
    .description('A meeting: place and agenda (decrypted here), who is invited and attended, entries')
    .action(action(secured(showMeeting)));
  meetings
    .command('invite <meeting> <user...>')
    .description('Invite more people (members of the channel, from signed agencies)')
    .action(action(secured(inviteToMeeting)));
  meetings
    .command('start <meeting>')
    .description('Open the meeting: minutes, attendance and entries can be written from now (chair)')
    .action(action(secured(startMeeting)));
  withYes(
    meetings
      .command('close <meeting>')
      .description('Close the meeting: this device signs the latest minutes, which are then locked (chair)'),
  ).action(action(secured(closeMeeting)));
}

function registerMinutes(program: Command, action: Action): void {
  const minutes = program
    .command('minutes')
    .description('The minutes of a meeting: written while it runs, then signed');
  minutes
    .command('edit <meeting>')
    .description(
      'Write the minutes in your editor, or with flags: notes for an agenda item, the family’s voice, a whole document',
    )
    .option('--item <item>', 'the agenda item (its number or title) the notes are for')
    .option('--notes <text>', 'the notes for --item (replacing what is there)')
    .option('--append <text>', 'a paragraph to add to --item’s notes')
    .option('--family-voice <text>', 'the family’s own words about needs and progress')
    .option(
      '--from-file <file>',
      'the whole minutes, as JSON or in the text form the editor shows (- for standard input)',
    )
    .addHelpText(
      'after',
      '\nWith none of these options the minutes open in your editor (VISUAL or EDITOR, else vi): each\n' +
        'agenda item is a "## 1. Title" heading with its notes below it, then the family’s voice; lines\n' +
        'starting with # are left out. Close the editor to save a new version; nothing changed saves\n' +
        'nothing. The text is in a private temporary file only while the editor is open. If it cannot be\n' +
        'saved (a heading broken, say), what you typed is kept in your Strongroom folder and you are told where.\n\n' +
        'Each edit saves a new version. If someone saved a version since you read it, yours is refused\n' +
        '(nothing is overwritten): run the edit again on top of theirs.\n' +
        'JSON format: {"sections":[{"item":"1","notes":"…"}],"familyVoice":"…"}',
    )
    .action(action(secured(editMinutes)));
  minutes
    .command('show <meeting>')
    .description('The minutes, decrypted here; for a closed meeting, checked against the chair’s signature')
    .action(action(secured(showMinutes)));
  withYes(
    minutes
      .command('amend <meeting>')
      .description('A signed correction to closed minutes, with its reason; the original stays as it was')
      .requiredOption('--text <correction>', 'the correction (encrypted)')
      .requiredOption('--reason <why>', 'why it is needed (encrypted)'),
  ).action(action(secured(amendMinutes)));
}

/** Attendance and decisions, recorded while the meeting runs. */
function registerRecords(program: Command, action: Action): void {
  program
    .command('attendance')
    .description('Who attended a meeting')
    .command('set <meeting>')
    .description('Record attendance: professionals by e-mail or id, family members by reference (M1…)')
    .option('--present <user...>', 'present')
    .option('--apologies <user...>', 'sent apologies')
    .option('--absent <user...>', 'absent without apologies')
    .option('--family-present <member...>', 'family members present (M1, EH-2026-0042-M2, …)')
    .option('--family-absent <member...>', 'family members not present')
    .action(action(secured(setAttendance)));

  program
    .command('decisions')
    .description('Decisions recorded against agenda items')
    .command('add <meeting>')
    .description('Record a decision against an agenda item (encrypted)')
    .requiredOption('--item <item>', 'the agenda item (its number or title)')
    .requiredOption('--text <decision>', 'the decision')
    .action(action(secured(addDecision)));
}
