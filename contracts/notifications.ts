import { z } from 'zod';
import { timestamp } from './common.js';

/**
 * A person's notifications (ISA 8.4.2, 12): what happened that they must act on or know about, kept until
 * they read it and heard at once on their sockets (`notification`). Each names records by id only, never
 * content: the client shows what the person may read about them.
 */
export const NOTIFICATION_KINDS = [
  /** An action was handed to you (a leaver's, say): `actionId`, `channelId`, `fromUserId`. */
  'action_assigned',
  /** You are now a family's lead worker (a leaver's family): `familyId`, `channelId`, `fromUserId`. */
  'lead_worker_assigned',
  /** A leaver has open actions or families to hand over: `userId` (the leaver), `agencyId`. */
  'hand_over_needed',
  /** A family's lead worker has left and it waits for a new one: `familyId`, `userId` (the leaver). */
  'lead_worker_left',
  /** A partner agency's withdrawal from the agreement took effect: `agencyId`. */
  'agency_withdrawn',
  /**
   * Another agency consults yours on a request for information from the public (ISA 10: within 5 days):
   * `consultationId`, `agencyId` (the agency asking).
   */
  'consultation_requested',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The records a notification is about: ids only. */
export const notificationRefs = z.object({
  userId: z.uuid().optional(),
  agencyId: z.uuid().optional(),
  actionId: z.uuid().optional(),
  familyId: z.uuid().optional(),
  channelId: z.uuid().optional(),
  fromUserId: z.uuid().optional(),
  consultationId: z.uuid().optional(),
});
export type NotificationRefs = z.infer<typeof notificationRefs>;

export const notificationView = z.object({
  id: z.uuid(),
  kind: z.enum(NOTIFICATION_KINDS),
  refs: notificationRefs,
  createdAt: timestamp,
  readAt: timestamp.nullable(),
});
export type NotificationView = z.infer<typeof notificationView>;

export const NOTIFICATIONS_PAGE = 200;

export const notificationsQuery = z.strictObject({
  /** `true`: only those not read yet. */
  unread: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});
export type NotificationsQuery = z.infer<typeof notificationsQuery>;

export const notificationsRead = z.object({ marked: z.number().int() });
export type NotificationsRead = z.infer<typeof notificationsRead>;

export const unreadCount = z.object({ unread: z.number().int() });
export type UnreadCount = z.infer<typeof unreadCount>;

// ── a leaver's hand-over (disabled, or their agency withdrawn) ──

/** One of the leaver's open actions: ids, due date and status (its description is sealed for the channel). */
export const handOverAction = z.object({
  id: z.uuid(),
  channelId: z.uuid(),
  meetingId: z.uuid().nullable(),
  dueOn: z.string(),
  status: z.string(),
});
export type HandOverAction = z.infer<typeof handOverAction>;

/** A family the leaver still leads: it waits for a new lead worker. */
export const handOverFamily = z.object({ id: z.uuid(), ref: z.string(), channelId: z.uuid() });
export type HandOverFamily = z.infer<typeof handOverFamily>;

export const handOverView = z.object({
  user: z.object({
    id: z.uuid(),
    displayName: z.string(),
    agencyId: z.uuid(),
    status: z.string(),
  }),
  /** Disabled, or their agency no longer party to the agreement: what they hold must be handed over. */
  leaving: z.boolean(),
  actions: z.array(handOverAction),
  families: z.array(handOverFamily),
});
export type HandOverView = z.infer<typeof handOverView>;

export const reassignOpenActionRequest = z.strictObject({ ownerId: z.uuid() });
export type ReassignOpenActionRequest = z.infer<typeof reassignOpenActionRequest>;

export const newLeadWorkerRequest = z.strictObject({ leadWorkerId: z.uuid() });
export type NewLeadWorkerRequest = z.infer<typeof newLeadWorkerRequest>;
