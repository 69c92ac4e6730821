/**
 * A calendar invitation (RFC 5545) for one meeting, made in the page: what a person expects in their
 * calendar (title, time, place, a link back) and nothing of the minutes or agenda. Calendars are often
 * synced to other services, so the file carries no more than the invitation needs.
 */
export interface CalendarInvite {
  /** Stable across downloads, so a calendar updates the event rather than adding a second one. */
  uid: string;
  title: string;
  start: Date;
  /** Meetings record no end: an hour is assumed, and the description says so. */
  durationMinutes: number;
  location?: string | null;
  /** The meeting's address in Strongroom. */
  url?: string;
  description?: string;
  /** When the file was made (DTSTAMP). */
  now: Date;
}

/** `20261201T100000Z`: a UTC date-time as RFC 5545 writes it. */
export function icsDateTime(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** A TEXT value escaped (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks. */
export function icsText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

const encoder = new TextEncoder();

/**
 * One content line folded at 75 octets (RFC 5545 3.1): each continuation starts with a space. Folds fall
 * between characters, never inside a multi-byte UTF-8 sequence.
 */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = encoder.encode(ch).length;
    const limit = out.length === 0 ? 75 : 74; // a continuation's leading space counts
    if (octets + size > limit) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

/** The whole file: CRLF line endings, folded lines, one event. */
export function buildIcs(invite: CalendarInvite): string {
  const end = new Date(invite.start.getTime() + invite.durationMinutes * 60_000);
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Strongroom//Meetings//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${icsText(invite.uid)}`,
    `DTSTAMP:${icsDateTime(invite.now)}`,
    `DTSTART:${icsDateTime(invite.start)}`,
    `DTEND:${icsDateTime(end)}`,
    `SUMMARY:${icsText(invite.title)}`,
    ...(invite.location ? [`LOCATION:${icsText(invite.location)}`] : []),
    ...(invite.description ? [`DESCRIPTION:${icsText(invite.description)}`] : []),
    // A URI value is not escaped; anything that could break the line is dropped.
    ...(invite.url ? [`URL:${invite.url.replace(/[\r\n]/g, '')}`] : []),
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

/** A file name for the download from the meeting's day (`YYYY-MM-DD`): `meeting-2026-12-01.ics`. */
export const icsFileName = (day: string) => `meeting-${day.replace(/[^0-9-]/g, '')}.ics`;
