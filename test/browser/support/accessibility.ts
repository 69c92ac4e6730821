import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AxeResults, ImpactValue, NodeResult, Result } from 'axe-core';
import type { Page } from 'playwright-core';
import { root } from '../../support/server-process.js';

/** The impacts that fail a test; minor and moderate findings are returned for a test to look at. */
export const FAILING_IMPACTS: ImpactValue[] = ['serious', 'critical'];

/** One rule axe found broken, as it crosses back from the page (no element references). */
export type AxeFinding = Pick<Result, 'id' | 'impact' | 'help' | 'helpUrl' | 'description' | 'tags'> & {
  nodes: Pick<NodeResult, 'html' | 'target' | 'failureSummary'>[];
};

let axeSource: Promise<string> | undefined;
const loadAxe = () =>
  (axeSource ??= readFile(createRequire(path.join(root, 'package.json')).resolve('axe-core/axe.min.js'), 'utf8'));

/** Elements listed per rule in a failure; the rest are counted. */
const NODES_SHOWN = 8;

/** axe's findings as a list a person can act on: rule, impact, what to do, where. */
export function formatViolations(screenName: string, violations: AxeFinding[]): string {
  const where = (target: AxeFinding['nodes'][number]['target']) =>
    target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : String(t))).join(' | ');
  const snippet = (html: string) => (html.length > 120 ? `${html.slice(0, 119)}…` : html);
  return [
    `${screenName}: ${violations.length} serious or critical accessibility violation(s) (axe-core):`,
    ...violations.flatMap((v) => [
      `  - ${v.id} [${v.impact ?? 'unknown'}]: ${v.help} (${v.helpUrl})`,
      ...v.nodes.slice(0, NODES_SHOWN).map((n) => `      at ${where(n.target)}: ${snippet(n.html)}`),
      ...(v.nodes.length > NODES_SHOWN ? [`      … and ${v.nodes.length - NODES_SHOWN} more`] : []),
    ]),
  ].join('\n');
}

/** Rules a screen is let off, each with the reason a reviewer reads: for code that is not ours to fix. */
export type KnownIssues = Record<string, string>;

/**
 * Runs axe-core on the page as it is now and fails with a readable list of its serious and critical
 * violations (rule id, help, the elements). Returns the rest: the lesser ones, and those of `knownIssues`
 * (rule id → why it is let off, e.g. a third-party page's own markup), which never fail; a known issue
 * that is no longer found fails, so the list is kept true.
 *
 * axe is evaluated through the DevTools protocol, not added as a `<script>`: the server's policy
 * (`script-src 'self'`) rightly refuses an injected inline script, and the pages are tested under the
 * policy they ship with, never a weakened one.
 */
export async function checkAccessibility(
  page: Page,
  screenName: string,
  knownIssues: KnownIssues = {},
): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(await loadAxe());
  const results = await page.evaluate(async (): Promise<AxeFinding[]> => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations.map(({ id, impact, help, helpUrl, description, tags, nodes }) => ({
      id,
      impact,
      help,
      helpUrl,
      description,
      tags,
      nodes: nodes.map(({ html, target, failureSummary }) => ({ html, target, failureSummary })),
    }));
  });
  const failing = results.filter((v) => FAILING_IMPACTS.includes(v.impact ?? null) && !(v.id in knownIssues));
  if (failing.length) throw new Error(formatViolations(screenName, failing));
  // A let-off that no longer applies is removed, so the list stays a true account of what is wrong.
  const gone = Object.keys(knownIssues).filter((id) => !results.some((v) => v.id === id));
  if (gone.length)
    throw new Error(`${screenName}: no longer violated, remove from its known issues: ${gone.join(', ')}`);
  return results.filter((v) => !failing.includes(v));
}
