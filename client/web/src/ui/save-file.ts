/**
 * Offers what the page made or fetched to the browser to save, under `name`: a link to it is clicked and
 * removed. The address is let go a minute later, once the browser has taken the file.
 */
export function saveToFile(body: Blob, name: string): void {
  const url = URL.createObjectURL(body);
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}

/** A day on this computer's clock as a file name reads it: 2026-12-03. */
export function dayStamp(d = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
