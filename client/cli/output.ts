/** Plain-text tables for people; `--json` prints the value itself for scripts. */
function text(v: unknown): string {
  if (v === null || v === undefined || v === '') return '-';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export function table(objects: object[], columns: [key: string, heading: string][]): string {
  if (objects.length === 0) return '(none)\n';
  const rows = objects as Record<string, unknown>[];
  const widths = columns.map(([key, heading]) => Math.max(heading.length, ...rows.map((r) => text(r[key]).length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]))
      .join('  ')
      .trimEnd() + '\n';
  return (
    line(columns.map(([, h]) => h)) +
    line(widths.map((w) => '-'.repeat(w))) +
    rows.map((r) => line(columns.map(([k]) => text(r[k])))).join('')
  );
}

/** `key: value` lines, aligned. */
export function fields(pairs: [label: string, value: unknown][]): string {
  const width = Math.max(...pairs.map(([l]) => l.length));
  return pairs.map(([l, v]) => `${(l + ':').padEnd(width + 1)} ${text(v)}\n`).join('');
}
