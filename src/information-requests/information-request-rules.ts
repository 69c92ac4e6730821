import {
  DECLINE_EXPLANATION_MIN_CHARACTERS,
  DECLINE_EXPLANATION_REFUSAL,
  declineSealedBytes,
  INFORMATION_REQUEST_ACTIONS,
  OPEN_INFORMATION_REQUEST_STATES,
  type DeclineInformationInput,
  type InformationRequestAction,
  type InformationRequestPart,
  type InformationRequestState,
} from '../../contracts/information-requests.js';
import { badRequest, conflict, type AppError } from '../common/app-error.js';

/**
 * The rules of an information request that need no database: who may do what in which state, when a
 * request is overdue, and whether a refusal is explained. The services and the unit spec apply the same.
 */

/** Each action: the states it may start from, and the state it leads to (`assign` changes none). */
export const TRANSITIONS: Record<
  InformationRequestAction,
  { from: readonly InformationRequestState[]; to: InformationRequestState | null }
> = {
  accept: { from: ['requested'], to: 'accepted' },
  assign: { from: OPEN_INFORMATION_REQUEST_STATES, to: null },
  provide: { from: ['accepted'], to: 'provided' },
  decline: { from: OPEN_INFORMATION_REQUEST_STATES, to: 'declined' },
  withdraw: { from: OPEN_INFORMATION_REQUEST_STATES, to: 'withdrawn' },
  close: { from: ['provided', 'declined'], to: 'closed' },
};

/**
 * Who may do each: the asked agency's admins assign; they or their assignee accept and answer; the
 * requester's side withdraws (before an answer) and closes (after one).
 */
export const WHO_MAY: Record<InformationRequestAction, readonly InformationRequestPart[]> = {
  accept: ['agency_admin', 'assignee'],
  assign: ['agency_admin'],
  provide: ['agency_admin', 'assignee'],
  decline: ['agency_admin', 'assignee'],
  withdraw: ['requester'],
  close: ['requester'],
};

/** What someone with `part` may do with a request in `state`, in a stable order. */
export function allowedActions(
  part: InformationRequestPart,
  state: InformationRequestState,
): InformationRequestAction[] {
  return INFORMATION_REQUEST_ACTIONS.filter((a) => WHO_MAY[a].includes(part) && TRANSITIONS[a].from.includes(state));
}

/**
 * A person's part in a request from what is read of them: of the agency asked, its admin or the
 * assignee (or nothing: `null`); of any other agency, the requester's side when in the request's
 * conversation (or nothing).
 */
export function partIn(
  user: { id: string; agencyId: string; role: string },
  request: { toAgencyId: string; assigneeUserId: string | null },
  inConversation: boolean,
): InformationRequestPart | null {
  if (user.agencyId === request.toAgencyId) {
    if (user.role === 'agency_admin') return 'agency_admin';
    return user.id === request.assigneeUserId ? 'assignee' : null;
  }
  return inConversation ? 'requester' : null;
}

/** Still waiting for an answer after its due time. */
export const isOverdue = (state: InformationRequestState, dueAt: Date, now: Date): boolean =>
  (OPEN_INFORMATION_REQUEST_STATES as readonly string[]).includes(state) && dueAt.getTime() < now.getTime();

const STATE_WORDS: Record<InformationRequestState, string> = {
  requested: 'waiting to be accepted',
  accepted: 'accepted and waiting for its answer',
  declined: 'declined',
  provided: 'answered',
  closed: 'closed',
  withdrawn: 'withdrawn',
};

const DONE_WORDS: Record<InformationRequestAction, string> = {
  accept: 'accepted',
  assign: 'assigned',
  provide: 'answered',
  decline: 'declined',
  withdraw: 'withdrawn',
  close: 'closed',
};

/** Why `action` cannot happen to a request in `state` (`409 invalid_status`), or null when it can. */
export function stateRefusal(action: InformationRequestAction, state: InformationRequestState): AppError | null {
  if (TRANSITIONS[action].from.includes(state)) return null;
  const message =
    action === 'provide' && state === 'requested'
      ? 'Accept the request before providing what your agency holds.'
      : action === 'close' && (OPEN_INFORMATION_REQUEST_STATES as readonly string[]).includes(state)
        ? 'This request has not been answered yet: withdraw it if you no longer need the answer.'
        : `This request is ${STATE_WORDS[state]}, so it cannot be ${DONE_WORDS[action]} now.`;
  return conflict('invalid_status', message, { state, action });
}

/**
 * Whether a refusal is explained: an explanation and its declared length are both there, the length is
 * at least the minimum, and the sealed bytes could hold that many characters and no fewer (the server
 * cannot read the text; docs/protocol.md, "Information requests: the decline rule"). Null when it is.
 */
export function declineRefusal(input: DeclineInformationInput): AppError | null {
  const { explanation, explanationLength } = input;
  if (!explanation || explanationLength === undefined || explanationLength < DECLINE_EXPLANATION_MIN_CHARACTERS) {
    return badRequest('explanation_required', DECLINE_EXPLANATION_REFUSAL, {
      fields: { explanation: [`must explain the refusal in ${DECLINE_EXPLANATION_MIN_CHARACTERS} characters or more`] },
      minimumCharacters: DECLINE_EXPLANATION_MIN_CHARACTERS,
    });
  }
  const bytes = Buffer.from(explanation.ciphertext, 'base64url').length;
  const bounds = declineSealedBytes(explanationLength);
  if (bytes < bounds.min) {
    return badRequest('explanation_required', DECLINE_EXPLANATION_REFUSAL, {
      fields: { explanationLength: ['is more characters than the explanation sent can hold'] },
      minimumCharacters: DECLINE_EXPLANATION_MIN_CHARACTERS,
    });
  }
  if (bytes > bounds.max) {
    return badRequest(
      'validation_failed',
      'The explanation sent is longer than the number of characters declared with it: count them again.',
      { fields: { explanationLength: ['is fewer characters than the explanation sent holds'] } },
    );
  }
  return null;
}
