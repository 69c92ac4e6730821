/** Shapes of the server's responses (actions), as the SDK exposes them: one definition, in contracts/. */
export type {
  ActionDetailView,
  ActionShownStatus,
  ActionStatus,
  ActionUpdateKind,
  ActionUpdateView,
  ActionView,
  CreateActionInput,
  ReassignActionInput,
  UpdateActionInput,
} from '../../../contracts/actions.js';
