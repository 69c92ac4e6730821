import { isLive, shownStatus } from './action-rules.js';

describe('shownStatus: overdue is derived from the due date, never stored', () => {
  it.each([
    ['open', '2026-03-01', '2026-03-02', 'overdue'],
    ['in_progress', '2026-03-01', '2026-03-02', 'overdue'],
    ['open', '2026-03-02', '2026-03-02', 'open'],
    ['in_progress', '2026-03-03', '2026-03-02', 'in_progress'],
    ['done', '2026-03-01', '2026-03-02', 'done'],
    ['cancelled', '2026-03-01', '2026-03-02', 'cancelled'],
  ] as const)('%s due %s shows on %s as %s', (status, dueOn, today, shown) => {
    expect(shownStatus(status, dueOn, today)).toBe(shown);
  });

  it('counts only open and in-progress actions as live', () => {
    expect(['open', 'in_progress', 'done', 'cancelled'].filter((s) => isLive(s as never))).toEqual([
      'open',
      'in_progress',
    ]);
  });
});
