import { UNDER_THRESHOLD, WITHHELD, type ReportCount } from '../../contracts/reports.js';
import { suppressTable, type ShownTable } from './suppression.js';

/** The shown table as a grid with its margins, as the suppression sees it. */
function grid(t: ShownTable): ReportCount[][] {
  return [...t.cells.map((r, i) => [...r, t.rowTotals[i]]), [...t.columnTotals, t.total]];
}
const hidden = (v: ReportCount) => v === UNDER_THRESHOLD || v === WITHHELD;

/**
 * What an attacker holding the report can work out: any hidden count alone in a line (row or column with its
 * total) is that line's total minus the rest. None may be.
 */
function recoverable(t: ShownTable): number {
  const g = grid(t);
  const lines = [...g, ...g[0].map((_, j) => g.map((r) => r[j]))];
  return lines.filter((l) => l.filter(hidden).length === 1).length;
}

describe('small-number suppression (programme report)', () => {
  it('shows counts of 5 and more, and hides every count under 5 as "<5", totals included', () => {
    const t = suppressTable([[5, 7]]);
    expect(t).toEqual({ cells: [[5, 7]], rowTotals: [12], columnTotals: [5, 7], total: 12 });
    const small = suppressTable([[4]]);
    expect(small).toEqual({
      cells: [[UNDER_THRESHOLD]],
      rowTotals: [UNDER_THRESHOLD],
      columnTotals: [UNDER_THRESHOLD],
      total: UNDER_THRESHOLD,
    });
  });

  it('withholds a 5 beside a 4 so the 4 cannot be had by subtracting from the total', () => {
    const t = suppressTable([[5, 4]]);
    expect(t.cells).toEqual([[WITHHELD, UNDER_THRESHOLD]]);
    expect(t.rowTotals).toEqual([9]);
    expect(recoverable(t)).toBe(0);
  });

  it('withholds the smallest neighbour in the row and the column, never a count it need not', () => {
    const t = suppressTable([
      [20, 3, 9],
      [30, 12, 8],
      [40, 15, 6],
    ]);
    expect(t.cells[0][1]).toBe(UNDER_THRESHOLD);
    // The row's smallest other count (9), and the column's (12); then those lines need a partner too.
    expect(t.cells[0][2]).toBe(WITHHELD);
    expect(t.cells[1][1]).toBe(WITHHELD);
    expect(t.cells[2][0]).toBe(40);
    expect(t.total).toBe(143);
    expect(recoverable(t)).toBe(0);
  });

  it('in one column (an agency administrator’s view), hides a small count and its partner from the column total', () => {
    const t = suppressTable([[12], [2], [7]]);
    expect(t.cells).toEqual([[12], [UNDER_THRESHOLD], [WITHHELD]]);
    expect(t.rowTotals).toEqual([12, UNDER_THRESHOLD, WITHHELD]);
    expect(t.columnTotals).toEqual([21]);
    expect(recoverable(t)).toBe(0);
  });

  it('never leaves one hidden count alone in a line, over many random tables; shown counts are the true ones', () => {
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let k = 0; k < 500; k++) {
      const width = 1 + rnd(5);
      const counts = Array.from({ length: 1 + rnd(5) }, () => Array.from({ length: width }, () => rnd(12)));
      const t = suppressTable(counts);
      expect(recoverable(t)).toBe(0);
      const truth = [
        ...counts.map((r) => [...r, r.reduce((a, b) => a + b, 0)]),
        [...counts[0].map((_, j) => counts.reduce((a, r) => a + r[j], 0)), counts.flat().reduce((a, b) => a + b, 0)],
      ];
      grid(t).forEach((r, i) =>
        r.forEach((v, j) => {
          if (truth[i][j] < 5) expect(v).toBe(UNDER_THRESHOLD);
          else expect(v === WITHHELD || v === truth[i][j]).toBe(true);
        }),
      );
    }
  });
});
