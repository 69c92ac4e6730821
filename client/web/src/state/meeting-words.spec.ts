import { describe, expect, it } from '@jest/globals';
import type { ActionShownStatus, ActionStatus } from '../../../../contracts/actions.js';
import { agendaTitle, daysBetween, dueText, groupMeetings, localDateTimeToIso, sortActions } from './meeting-words.js';

const action = (dueOn: string, recordedStatus: ActionStatus = 'open', status?: ActionShownStatus) => ({
  dueOn,
  recordedStatus,
  status: status ?? recordedStatus,
  createdAt: '2026-01-01T00:00:00.000Z',
});
const fmt = (d: string) => `[${d}]`;

describe('meeting and action words', () => {
  it('counts whole days between dates, across months and clock changes', () => {
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
    expect(daysBetween('2026-10-24', '2026-10-26')).toBe(2);
    expect(daysBetween('2026-12-31', '2027-01-01')).toBe(1);
    expect(daysBetween('2026-05-10', '2026-05-07')).toBe(-3);
  });

  it('says how overdue an action is in words, not by colour', () => {
    const today = '2026-05-10';
    expect(dueText(action('2026-05-07'), today, fmt)).toBe('Overdue by 3 days (due [2026-05-07])');
    expect(dueText(action('2026-05-09', 'in_progress'), today, fmt)).toBe('Overdue by 1 day (due [2026-05-09])');
    expect(dueText(action('2026-05-10'), today, fmt)).toBe('Due today');
    expect(dueText(action('2026-05-11'), today, fmt)).toBe('Due tomorrow');
    expect(dueText(action('2026-05-14'), today, fmt)).toBe('Due in 4 days ([2026-05-14])');
    expect(dueText(action('2026-07-01'), today, fmt)).toBe('Due [2026-07-01]');
    expect(dueText(action('2026-05-01', 'done'), today, fmt)).toBe('Was due [2026-05-01]');
    // The server's word counts even when this browser's day has not turned yet.
    expect(dueText(action('2026-05-10', 'open', 'overdue'), today, fmt)).toBe('Overdue by 1 day (due [2026-05-10])');
  });

  it('puts overdue actions first, then by due date, finished ones last', () => {
    const list = [
      action('2026-05-20'),
      action('2026-05-01', 'done'),
      action('2026-05-08', 'in_progress'),
      action('2026-05-12'),
      action('2026-05-02'),
    ];
    expect(sortActions(list, '2026-05-10').map((a) => a.dueOn)).toEqual([
      '2026-05-02',
      '2026-05-08',
      '2026-05-12',
      '2026-05-20',
      '2026-05-01',
    ]);
  });

  it('lists meetings in progress, then upcoming soonest first, and closed ones apart, latest first', () => {
    const m = (scheduledAt: string, status: 'scheduled' | 'in_progress' | 'closed') => ({ scheduledAt, status });
    const { upcoming, past } = groupMeetings([
      m('2026-06-03T10:00:00.000Z', 'scheduled'),
      m('2026-05-01T10:00:00.000Z', 'closed'),
      m('2026-06-01T10:00:00.000Z', 'scheduled'),
      m('2026-05-20T10:00:00.000Z', 'closed'),
      m('2026-06-02T10:00:00.000Z', 'in_progress'),
    ]);
    expect(upcoming.map((x) => x.scheduledAt.slice(0, 10))).toEqual(['2026-06-02', '2026-06-01', '2026-06-03']);
    expect(past.map((x) => x.scheduledAt.slice(0, 10))).toEqual(['2026-05-20', '2026-05-01']);
  });

  it('names agenda items by title, with a general item when there is no agenda', () => {
    const agenda = [{ id: '1', title: 'Attendance' }];
    expect(agendaTitle(agenda, '1')).toBe('Attendance');
    expect(agendaTitle([], 'general')).toBe('General');
    expect(agendaTitle(agenda, 'other')).toBe('other');
  });

  it('reads a date and time typed in this browser', () => {
    expect(localDateTimeToIso('2026-12-01T10:00')).toBe(new Date(2026, 11, 1, 10, 0).toISOString());
    expect(localDateTimeToIso('tomorrow')).toBeNull();
  });
});
