import type { ChannelKind } from '../../contracts/channels.js';
import type {
  RetentionAnchor,
  RetentionEnforcement,
  ScheduleClass,
  ScheduleEntryView,
} from '../../contracts/retention.js';
import { SCHEDULE_CLASS_LABELS } from '../../contracts/retention.js';
import { badRequest, type AppError } from '../common/app-error.js';
import type { AppConfig } from '../config/config.schema.js';

const YEAR = 365;

/** The config a schedule's defaults and bounds come from. */
export type ScheduleConfig = Pick<
  AppConfig,
  | 'RETENTION_DAYS_DIRECT'
  | 'RETENTION_DAYS_MEETING'
  | 'RETENTION_DAYS_REFERRAL'
  | 'RETENTION_MIN_DAYS'
  | 'RETENTION_MAX_DAYS'
>;

export interface ClassRule {
  defaultDays: number;
  minDays: number;
  maxDays: number;
  anchor: RetentionAnchor;
  enforcement: RetentionEnforcement;
}

/**
 * The classes of record a schedule covers, each with its default period, bounds, what it counts from and
 * how the server applies it today. Chat is short-lived (RETENTION_DAYS_* and RETENTION_MIN/MAX_DAYS in
 * config, the bounds a channel's creator already had); case records are kept for years, up to 35 (the
 * longest council schedules keep child-protection conference minutes that long), and never less than one.
 */
export function classRules(config: ScheduleConfig): Record<ScheduleClass, ClassRule> {
  const chat = (defaultDays: number): ClassRule => ({
    defaultDays,
    minDays: config.RETENTION_MIN_DAYS,
    maxDays: config.RETENTION_MAX_DAYS,
    anchor: 'creation',
    enforcement: 'deleted',
  });
  const record = (anchor: RetentionAnchor, enforcement: RetentionEnforcement): ClassRule => ({
    defaultDays: 7 * YEAR,
    minDays: YEAR,
    maxDays: 35 * YEAR + 9,
    anchor,
    enforcement,
  });
  return {
    messages_direct: chat(config.RETENTION_DAYS_DIRECT),
    messages_locality_meeting: chat(config.RETENTION_DAYS_MEETING),
    messages_family_meeting: chat(config.RETENTION_DAYS_MEETING),
    messages_professionals_meeting: chat(config.RETENTION_DAYS_MEETING),
    messages_referral: chat(config.RETENTION_DAYS_REFERRAL),
    // An information request is part of the work on a referral or a family: kept as long as referrals.
    messages_information_request: chat(config.RETENTION_DAYS_REFERRAL),
    minutes: record('closure', 'deleted'),
    // An action counts from when it is done or cancelled; a version of a family's plan from when a newer
    // version replaces it (the current plan is kept while the family is).
    actions: record('closure', 'deleted'),
    family_plans: record('closure', 'deleted'),
    referrals: record('closure', 'deleted'),
    information_requests: record('closure', 'deleted'),
    // A member's latest consent of each kind is what sharing rests on: kept however old (record-expiry).
    consent_records: record('creation', 'deleted'),
  };
}

/** The schedule class of the messages (and their files) in a channel of this kind. */
export function messageClass(kind: ChannelKind): ScheduleClass {
  return `messages_${kind}`;
}

/** Why a period cannot be set for a class (outside its bounds, inclusive), or null when it can. */
export function periodRefusal(recordClass: ScheduleClass, days: number, rule: ClassRule): AppError | null {
  if (days >= rule.minDays && days <= rule.maxDays) return null;
  return badRequest(
    'validation_failed',
    `The period for ${SCHEDULE_CLASS_LABELS[recordClass]} must be between ${rule.minDays} and ${rule.maxDays} days: nothing was changed.`,
    { fields: { days: [`must be between ${rule.minDays} and ${rule.maxDays}`] } },
  );
}

/** The date a record is kept until: its anchor date plus its period. */
export function keptUntil(anchorDate: Date, days: number): Date {
  return new Date(anchorDate.getTime() + days * 86_400_000);
}

/** One class's line of an agency's schedule: its own period where it set one, else the default. */
export function scheduleEntry(
  recordClass: ScheduleClass,
  rule: ClassRule,
  own: { days: number; setBy: string; setAt: Date } | undefined,
): ScheduleEntryView {
  return {
    recordClass,
    days: own?.days ?? rule.defaultDays,
    defaultDays: rule.defaultDays,
    minDays: rule.minDays,
    maxDays: rule.maxDays,
    anchor: rule.anchor,
    enforcement: rule.enforcement,
    setBy: own?.setBy ?? null,
    setAt: own?.setAt.toISOString() ?? null,
  };
}
