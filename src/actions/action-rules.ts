import type { ActionShownStatus, ActionStatus } from '../../contracts/actions.js';

/** An action is live while open or in progress: only a live action can be overdue or reminded. */
export const isLive = (status: ActionStatus): boolean => status === 'open' || status === 'in_progress';

/**
 * The status an action shows on `today` (`YYYY-MM-DD`): `overdue` when still live after its due date,
 * otherwise the recorded one. Overdue is derived from the date, never stored.
 */
export const shownStatus = (status: ActionStatus, dueOn: string, today: string): ActionShownStatus =>
  isLive(status) && dueOn < today ? 'overdue' : status;
