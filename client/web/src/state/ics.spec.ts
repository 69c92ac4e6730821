import { describe, expect, it } from '@jest/globals';
import { buildIcs, foldLine, icsDateTime, icsFileName, icsText } from './ics.js';

describe('calendar invitation (RFC 5545)', () => {
  const invite = {
    uid: '5b0c0e7e-0000-4000-8000-000000000001@strongroom',
    title: 'Locality meeting: North locality',
    start: new Date('2026-12-01T10:00:00Z'),
    durationMinutes: 60,
    location: 'Room 2, Town Hall; or the video link',
    url: 'https://strongroom.example/meetings/5b0c0e7e-0000-4000-8000-000000000001',
    now: new Date('2026-11-20T09:30:15.123Z'),
  };

  it('writes one event with CRLF line endings, UTC times and an hour assumed', () => {
    const ics = buildIcs(invite);
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.split('\r\n').slice(0, 6)).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Strongroom//Meetings//EN',
      'CALSCALE:GREGORIAN',
      'METHOD:PUBLISH',
      'BEGIN:VEVENT',
    ]);
    expect(ics).toContain('\r\nDTSTART:20261201T100000Z\r\n');
    expect(ics).toContain('\r\nDTEND:20261201T110000Z\r\n');
    expect(ics).toContain('\r\nDTSTAMP:20261120T093015Z\r\n');
    expect(ics).toContain('\r\nLOCATION:Room 2\\, Town Hall\\; or the video link\r\n');
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(1);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('leaves out a place that is not known', () => {
    expect(buildIcs({ ...invite, location: null })).not.toContain('LOCATION');
  });

  it('escapes text values: backslash, semicolon, comma and line breaks', () => {
    expect(icsText('a\\b;c,d\ne\r\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
  });

  it('folds long lines at 75 octets without splitting a character', () => {
    const line = 'SUMMARY:' + 'é'.repeat(100);
    const folded = foldLine(line);
    const parts = folded.split('\r\n');
    for (const p of parts) expect(new TextEncoder().encode(p).length).toBeLessThanOrEqual(75);
    expect(parts.slice(1).every((p) => p.startsWith(' '))).toBe(true);
    expect(parts.map((p, i) => (i ? p.slice(1) : p)).join('')).toBe(line);
  });

  it('names times and files plainly', () => {
    expect(icsDateTime(new Date('2026-01-02T03:04:05.678Z'))).toBe('20260102T030405Z');
    expect(icsFileName('2026-12-01')).toBe('meeting-2026-12-01.ics');
  });
});
