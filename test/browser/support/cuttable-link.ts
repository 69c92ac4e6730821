import net from 'node:net';

/**
 * The network between one browser and the server, as a test can break it: a TCP relay on its own port
 * of 127.0.0.1 in front of the server. A page opened at `url()` reaches the server only through it
 * (its origin is the relay's, which the server takes as its own: it judges by the `Host` the browser
 * sent), so `cut()` drops that page's live connection and every request for real, as a lost network
 * does, while other people's pages, straight to the server, carry on.
 *
 * Chromium's own offline switch (`context.setOffline`, DevTools' `Network.emulateNetworkConditions`)
 * is no use here: it holds an open WebSocket's frames back and delivers them when it is switched off
 * again, so the socket never closes and the page never learns it was cut.
 */
export interface CuttableLink {
  /** An absolute URL through the relay, for `page.goto`. */
  url(pathname?: string): string;
  /** Drops every open connection (a reset, both ways) and turns new ones away until `restore`. */
  cut(): void;
  /** Lets connections through again. */
  restore(): void;
  close(): Promise<void>;
}

export async function cuttableLink(serverUrl: string): Promise<CuttableLink> {
  const target = new URL(serverUrl);
  const open = new Set<net.Socket>();
  let cut = false;
  const relay = net.createServer((page) => {
    if (cut) return void page.resetAndDestroy();
    const server = net.connect(Number(target.port), target.hostname);
    for (const s of [page, server]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      // A reset is how a cut ends these; each end then takes the other down with it.
      s.on('error', () => undefined);
    }
    page.on('close', () => server.destroy());
    server.on('close', () => page.destroy());
    page.pipe(server).pipe(page);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const { port } = relay.address() as net.AddressInfo;
  return {
    url: (pathname = '/') => new URL(pathname, `http://127.0.0.1:${port}`).href,
    cut() {
      cut = true;
      for (const s of [...open]) s.resetAndDestroy();
    },
    restore() {
      cut = false;
    },
    close() {
      for (const s of [...open]) s.destroy();
      return new Promise<void>((resolve) => relay.close(() => resolve()));
    },
  };
}
