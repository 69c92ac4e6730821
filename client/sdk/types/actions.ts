/** Shapes of the server's responses (actions), as the SDK exposes them. Dates arrive as ISO strings. */
import type { SealedField } from './families.js';

// ── actions ──
export type ActionStatus = 'open' | 'in_progress' | 'done' | 'cancelled';

export interface ActionView {
  id: string;
  channelId: string;
  meetingId: string | null;
  planObjective: string | null;
  description: SealedField;
  ownerId: string;
  ownerAgencyId: string;
  dueOn: string;
  recordedStatus: ActionStatus;
  /** `overdue` when still open or in progress after its due date. */
  status: ActionStatus | 'overdue';
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface ActionDetailView extends ActionView {
  updates: {
    authorId: string;
    kind: 'status' | 'progress' | 'reassigned';
    statusFrom: ActionStatus | null;
    statusTo: ActionStatus | null;
    fromUserId: string | null;
    toUserId: string | null;
    note: SealedField | null;
    createdAt: string;
  }[];
}
