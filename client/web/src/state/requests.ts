import { useEffect, useState } from 'preact/hooks';
import {
  StrongroomApiError,
  UnableToDecryptError,
  type InformationRequestView,
  type OpenedInformationRequest,
} from '../../../sdk/browser.js';
import { app } from './app.js';
import { listenLive } from './live.js';
import { useObservable } from './observable.js';
import { isOpen } from './request-words.js';

/** A request as its page shows it: the server's view, and what this device could open of it. */
export interface RequestPage {
  view: InformationRequestView;
  /** The question, the answer and a refusal's reason, opened here; null when this device holds no key. */
  opened: OpenedInformationRequest | null;
  /** Why the words are not shown, when this device cannot open them. */
  unreadable: string | null;
}

/**
 * Loads a request and opens its question and answer on this device. A device without the key yet still
 * shows what the server holds (who asked whom, by when, the state), with a sentence saying why the rest
 * is missing.
 */
export async function loadRequest(id: string): Promise<RequestPage> {
  const view = await app.secure.client.informationRequest(id);
  app.meet([
    view.requestedBy,
    ...(view.assignee ? [view.assignee] : []),
    ...(view.answeredBy ? [view.answeredBy] : []),
  ]);
  try {
    return { view, opened: await app.secure.openInformationRequest(view), unreadable: null };
  } catch (err) {
    if (!(err instanceof UnableToDecryptError)) throw err;
    return {
      view,
      opened: null,
      unreadable:
        view.yourPart === 'requester'
          ? 'This device does not hold the key for this request’s words yet, so the question and any answer cannot be shown here. Try a device you have used for it.'
          : `This device does not hold the key for this request’s words yet, so the question cannot be shown here. ${view.requestedBy.displayName} (${view.requestedBy.agencyName}), or your agency’s administrator, can give you the key again.`,
    };
  }
}

/** True when the server says there is no request this person may open (it never says whose it is). */
export const isNotYours = (err: unknown) => err instanceof StrongroomApiError && err.status === 404;

/** True when the person is of the agency asked but neither its administrator nor the one answering. */
export const isNotYourToAnswer = (err: unknown) =>
  err instanceof StrongroomApiError && err.status === 403 && err.code === 'not_request_answerer';

/**
 * In the navigation: how many requests asked of the person's agency (all of them for its administrators,
 * those given to them for anyone else) still wait for an answer. Kept current live; 0 until known.
 */
export function useWaitingRequests(ready: boolean): number {
  const me = useObservable(app.me);
  const changes = useObservable(app.changes);
  const [waiting, setWaiting] = useState(0);
  const [round, setRound] = useState(0);
  const asks = !!me && ['practitioner', 'mash_worker', 'agency_admin'].includes(me.user.role);
  useEffect(() => {
    if (!ready || !asks) return;
    return listenLive((rt) => [rt.on('information_request.updated', () => setRound((n) => n + 1))]);
  }, [ready, asks, me?.user.id]);
  useEffect(() => {
    if (!ready || !asks) {
      setWaiting(0);
      return;
    }
    let current = true;
    app.secure.client.informationRequests({ box: 'inbox' }).then(
      (list) => current && setWaiting(list.filter((r) => isOpen(r.state)).length),
      () => undefined, // the link shows no count; the requests screen says why it cannot list them
    );
    return () => {
      current = false;
    };
  }, [ready, asks, me?.user.id, changes, round]);
  return waiting;
}
