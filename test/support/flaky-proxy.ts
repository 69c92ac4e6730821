import net from 'node:net';

/** One HTTP request (or socket.io's WebSocket upgrade) as the proxy saw it go by. */
export interface SeenRequest {
  method: string;
  path: string;
  action: ProxyAction;
}

/**
 * What the proxy does with a request: let it through; cut the connection before the server sees it
 * (the client gets a network error); let the server have it and cut the connection when the answer
 * comes (the server acted, the client never hears: a lost acknowledgement); hold it, the connection
 * open, and never answer (a network gone silent rather than away: nothing fails, nothing arrives); or
 * let its answer begin and then go silent, the connection open (`stall-reply`).
 */
export type ProxyAction = 'pass' | 'refuse' | 'lose-reply' | 'silence' | 'stall-reply';

const REQUEST_LINE = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\S+) HTTP\/1\.1\r\n/;

/**
 * A loopback TCP proxy between a client and the server, for tests of an unreliable path: HTTP and the
 * socket.io WebSocket both go through it. It can cut every connection and turn new ones away for a
 * while (`cut`/`restore`), and decide per request what happens to it (`rule`). Requests are recognised
 * by the request line at the start of a chunk the client sends, which is how Node's fetch and the
 * WebSocket upgrade write them; WebSocket frames never start with one.
 */
export class FlakyProxy {
  /** Decides each request; every request goes through by default. */
  rule: (request: { method: string; path: string }) => ProxyAction = () => 'pass';
  /** Every request seen, in order, with what was done to it. */
  readonly seen: SeenRequest[] = [];
  private down = false;
  private readonly open = new Set<() => void>();

  private constructor(
    private readonly server: net.Server,
    private target: URL,
  ) {
    server.on('connection', (client) => this.relay(client));
  }

  /** Starts a proxy on a free loopback port in front of `targetUrl` (http://host:port). */
  static async start(targetUrl: string): Promise<FlakyProxy> {
    const server = net.createServer();
    const proxy = new FlakyProxy(server, new URL(targetUrl));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** Where a client connects instead of the server. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  /** The requests seen that match, with what was done to them. */
  requests(method: string, path: RegExp): SeenRequest[] {
    return this.seen.filter((r) => r.method === method && path.test(r.path));
  }

  /** The path goes down: every open connection is cut and every new one is reset, until `restore`. */
  cut(): void {
    this.down = true;
    for (const end of [...this.open]) end();
  }

  /** The path is back. */
  restore(): void {
    this.down = false;
  }

  /** New connections go to another server from now on (another instance behind a load balancer). */
  retarget(targetUrl: string): void {
    this.target = new URL(targetUrl);
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: net.Socket): void {
    if (this.down) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(Number(this.target.port), this.target.hostname);
    let reply: ProxyAction = 'pass';
    let silent = false;
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.open.delete(end);
    };
    this.open.add(end);
    for (const s of [client, upstream]) {
      s.on('error', end);
      s.on('close', end);
      s.on('end', end);
    }
    client.on('data', (chunk: Buffer) => {
      if (silent) return;
      const request = REQUEST_LINE.exec(chunk.toString('latin1', 0, Math.min(chunk.length, 4096)));
      if (request) {
        const action = this.rule({ method: request[1], path: request[2] });
        this.seen.push({ method: request[1], path: request[2], action });
        if (action === 'refuse') return end();
        if (action === 'silence') return void (silent = true);
        reply = action;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (silent) return;
      if (reply === 'lose-reply') return end(); // the server has answered: the answer never arrives
      // The answer's first bytes (its status and headers, with part of its body or none), then nothing.
      if (reply === 'stall-reply') {
        silent = true;
        return void client.write(chunk.subarray(0, Math.max(1, chunk.indexOf('\r\n\r\n') + 4)));
      }
      client.write(chunk);
    });
  }
}
