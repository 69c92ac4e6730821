import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { root } from '../../support/server-process.js';

/** A desktop and the narrowest phone width WCAG's reflow rule asks for (320 CSS px). */
export const SCREEN_WIDTHS = [1280, 320] as const;

/** Where the screenshots go (git ignores test-results/): for a person to look at, not compared by tests. */
export const SCREENS_DIR = path.join(root, 'test-results', 'screens');

/**
 * Saves the whole page at each of SCREEN_WIDTHS as `test-results/screens/<screen>-<width>.png`, then
 * puts the viewport back. Returns the files written.
 */
export async function screenshot(page: Page, screenName: string): Promise<string[]> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(screenName)) {
    throw new Error(`Screen name "${screenName}": lower-case letters, digits and dashes, as it names a file.`);
  }
  await mkdir(SCREENS_DIR, { recursive: true });
  const before = page.viewportSize();
  const files: string[] = [];
  try {
    for (const width of SCREEN_WIDTHS) {
      await page.setViewportSize({ width, height: before?.height ?? 800 });
      // Let the page lay itself out at the new width before the picture is taken.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      const file = path.join(SCREENS_DIR, `${screenName}-${width}.png`);
      await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
      files.push(file);
    }
  } finally {
    if (before) await page.setViewportSize(before);
  }
  return files;
}
