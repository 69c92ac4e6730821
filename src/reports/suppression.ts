import { SUPPRESSION_THRESHOLD, UNDER_THRESHOLD, WITHHELD, type ReportCount } from '../../contracts/reports.js';

/** A table of counts as shown: each interior cell, each row's total, each column's total, and the grand total. */
export interface ShownTable {
  cells: ReportCount[][];
  rowTotals: ReportCount[];
  columnTotals: ReportCount[];
  total: ReportCount;
}

/**
 * Small-number suppression of a table of counts with its row and column totals (the programme report, ISA 2.2).
 *
 * Primary: every count under the threshold, totals included, is shown as `<5`. Secondary: the table with its
 * margins is a grid in which each row and each column adds up to its total, so a line holding exactly one
 * hidden count would give it away by subtraction; while such a line exists, the smallest other count in it is
 * withheld too (an interior one before the line's own total). Withheld counts are 5 or more, so they are shown
 * as `withheld`, not as `<5`, which would be untrue. Each step hides one more count, so this ends.
 */
export function suppressTable(counts: number[][]): ShownTable {
  const rows = counts.length;
  const cols = rows === 0 ? 0 : counts[0].length;
  if (counts.some((r) => r.length !== cols)) throw new Error('every row needs a count per column');
  // The grid with its margins: row `rows` holds the column totals, column `cols` the row totals.
  const grid: number[][] = counts.map((r) => [...r, r.reduce((a, b) => a + b, 0)]);
  const totalsRow = Array.from({ length: cols + 1 }, (_, j) => grid.reduce((a, r) => a + r[j], 0));
  grid.push(totalsRow);
  const hidden: ('under' | 'withheld' | null)[][] = grid.map((r) =>
    r.map((v) => (v < SUPPRESSION_THRESHOLD ? 'under' : null)),
  );

  // Every line of the grid as a list of positions; the last is that line's own total.
  const lines: [number, number][][] = [
    ...grid.map((_, i) => Array.from({ length: cols + 1 }, (__, j): [number, number] => [i, j])),
    ...Array.from({ length: cols + 1 }, (_, j) => grid.map((__, i): [number, number] => [i, j])),
  ];
  for (let changed = true; changed;) {
    changed = false;
    for (const line of lines) {
      if (line.filter(([i, j]) => hidden[i][j]).length !== 1) continue;
      const open = line.filter(([i, j]) => !hidden[i][j]);
      const inner = open.slice(0, open.length - (open.at(-1) === line.at(-1) ? 1 : 0));
      const pool = inner.length > 0 ? inner : open;
      if (pool.length === 0) continue;
      const [pi, pj] = pool.reduce((a, b) => (grid[b[0]][b[1]] < grid[a[0]][a[1]] ? b : a));
      hidden[pi][pj] = 'withheld';
      changed = true;
    }
  }

  const show = (i: number, j: number): ReportCount =>
    hidden[i][j] === 'under' ? UNDER_THRESHOLD : hidden[i][j] === 'withheld' ? WITHHELD : grid[i][j];
  return {
    cells: counts.map((r, i) => r.map((_, j) => show(i, j))),
    rowTotals: counts.map((_, i) => show(i, cols)),
    columnTotals: Array.from({ length: cols }, (_, j) => show(rows, j)),
    total: show(rows, cols),
  };
}
