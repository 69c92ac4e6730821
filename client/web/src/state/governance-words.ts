import { SCHEDULE_CLASS_LABELS } from '../../../../contracts/retention.js';
import type { AuditOutcome, DisposalView, HoldView, RecordClass } from '../../../sdk/browser.js';

/**
 * Words for legal holds, disposal records and audit events (issue 16), and the times their filters
 * send: pure, so the screens and their unit spec read the same.
 */

export const RECORD_CLASS_LABELS: Record<RecordClass, string> = {
  messages: 'Messages',
  attachments: 'Files',
  minutes: 'Minutes and decisions',
  actions: 'Actions',
  family_plans: 'Family plans',
  referrals: 'Referrals',
  information_requests: 'Information requests',
  consent_records: 'Consent records',
};

/** A disposal record's class, with the chat class its messages or files were kept under when it names one. */
export const disposalClassText = (d: Pick<DisposalView, 'recordClass' | 'channelKind'>): string =>
  d.channelKind
    ? `${RECORD_CLASS_LABELS[d.recordClass]} (${SCHEDULE_CLASS_LABELS[`messages_${d.channelKind}`]})`
    : RECORD_CLASS_LABELS[d.recordClass];

/** Why records expired, by the rule a disposal record names; an unknown rule is shown as it is. */
export const disposalRuleText = (rule: DisposalView['rule']): string =>
  ({
    channel_retention: 'Retention period ended',
    upload_window: 'Upload never finished',
    schedule: 'Schedule period ended',
  })[rule] ?? rule;

export const OUTCOME_LABELS: Record<AuditOutcome, string> = {
  success: 'Succeeded',
  failure: 'Failed',
  denied: 'Refused',
};

/** The first characters of an id: enough to tell records apart on a screen. */
export const shortId = (id: string) => id.slice(0, 8);

/** A phrase for the middle of a sentence: its first letter small, names inside it untouched. */
export const midSentence = (phrase: string) => phrase.charAt(0).toLowerCase() + phrase.slice(1);

/** What a hold covers, in a phrase: the agency by name where it is known. */
export function holdScopeText(h: Pick<HoldView, 'scope' | 'scopeId' | 'recordClass'>, agencyName?: string): string {
  const id = h.scopeId ? shortId(h.scopeId) : '';
  switch (h.scope) {
    case 'class':
      return `All ${h.recordClass ? RECORD_CLASS_LABELS[h.recordClass].toLowerCase() : 'records'}`;
    case 'agency':
      return `Everything written by ${agencyName ?? `agency ${id}`}`;
    case 'family':
      return `The family’s conversation (family ${id})`;
    case 'channel':
      return `Conversation ${id}`;
  }
}

/**
 * A day typed in a date field (2026-12-01) as the instant it starts on this computer's clock, or with
 * `through` the instant the next day starts, so "up to 1 December" includes all of the 1st. An empty or
 * impossible day gives undefined.
 */
export function dayStart(day: string, through = false): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day.trim());
  if (!m) return undefined;
  const [y, mo, d] = m.slice(1).map(Number);
  const start = new Date(y, mo - 1, d);
  if (start.getFullYear() !== y || start.getMonth() !== mo - 1 || start.getDate() !== d) return undefined;
  return new Date(y, mo - 1, d + (through ? 1 : 0)).toISOString();
}

/** A date and time typed in a `datetime-local` field (2026-12-01T09:30), on this computer's clock, as an instant. */
export function localTimeToIso(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value.trim())) return undefined;
  const d = new Date(value.trim());
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
