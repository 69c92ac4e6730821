import type { MeView } from '../../../sdk/node.js';

/** What someone must still do before they can use shared spaces, as next steps. */
export function nextSteps(me: MeView): string {
  const steps: string[] = [];
  if (me.session.stage !== 'full')
    steps.push('Your role requires two-factor authentication: run `strongroom mfa enrol`.');
  else if (me.attestation.required)
    steps.push('First sign-in: run `strongroom attest` to confirm the agreement and advice.');
  const reasons = me.access.reasons.filter((r) => !/two-factor|Confirm you have read/.test(r));
  steps.push(...reasons);
  return steps.length ? `\nNext:\n${steps.map((s) => `  - ${s}\n`).join('')}` : '';
}
