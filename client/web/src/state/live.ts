import type { RealtimeConnection } from '../../../sdk/browser.js';
import { app } from './app.js';

/**
 * Listens on the live connection for as long as a screen is open: `listen` registers its handlers and
 * returns their stops; the function returned stops them (also when the connection came only after the
 * screen closed). A connection that cannot be opened goes through `app.failed` (a 401 signs the page
 * out; otherwise the connection banner says it is lost): the screen still loads and reloads by hand.
 */
export function listenLive(listen: (rt: RealtimeConnection) => (() => void)[]): () => void {
  let stops: (() => void)[] = [];
  let stopped = false;
  void app.secure.connect().then(
    (rt) => {
      if (!stopped) stops = listen(rt);
    },
    (err: unknown) => void app.failed(err),
  );
  return () => {
    stopped = true;
    for (const stop of stops) stop();
  };
}
