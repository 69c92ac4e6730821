import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter as createPostgresAdapter } from '@socket.io/postgres-adapter';
import { createAdapter as createRedisAdapter } from '@socket.io/redis-adapter';
import pg from 'pg';
import { createClient } from 'redis';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '../config/config.schema.js';

type AdapterFactory = ReturnType<typeof createPostgresAdapter> | ReturnType<typeof createRedisAdapter>;

/**
 * socket.io with fan-out between instances: `@socket.io/postgres-adapter` over the database every
 * instance already shares (LISTEN/NOTIFY, no extra service), or `@socket.io/redis-adapter` when
 * REDIS_URL is set. Either way a room operation on one instance (emit, join, disconnect) reaches the
 * sockets on all of them.
 */
export class StrongroomIoAdapter extends IoAdapter {
  private readonly log = new Logger('Realtime');
  private factory: AdapterFactory | null = null;
  private readonly closers: (() => Promise<unknown>)[] = [];
  private closing = false;

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly databaseUrl: string,
  ) {
    super(app);
  }

  /** Connects the adapter's own clients; call before the application listens. */
  async connect(): Promise<void> {
    const errorHandler = (err: Error) => this.log.warn({ err }, 'socket.io adapter error');
    if (this.config.REDIS_URL) {
      const pub = createClient({ url: this.config.REDIS_URL });
      const sub = pub.duplicate();
      pub.on('error', errorHandler);
      sub.on('error', errorHandler);
      await Promise.all([pub.connect(), sub.connect()]);
      this.closers.push(
        () => pub.quit(),
        () => sub.quit(),
      );
      this.factory = createRedisAdapter(pub, sub);
      return;
    }
    const pool = new pg.Pool({ connectionString: this.databaseUrl, max: 4, application_name: 'strongroom-rt' });
    pool.on('error', errorHandler);
    // The adapter keeps one client checked out for LISTEN without an 'error' listener: a database restart
    // would then crash the process. Every client gets one, and the adapter reconnects by itself.
    pool.on('connect', (client) => client.on('error', errorHandler));
    // The adapter reconnects its LISTEN client whenever that client ends. If the app closes while a
    // connection attempt is under way, the adapter's own close cannot cancel it: the client it then gets
    // is never released, and when it ends (the database going away) the adapter retries every ~2 s for
    // ever on an ended pool, holding the process open. Once closing, the adapter is never handed a new
    // client: its attempt just waits, and nothing more is scheduled. (pg's own pool.query passes a
    // callback and still gets through.)
    const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
    pool.connect = ((...args: unknown[]) =>
      this.closing && args.length === 0 ? new Promise(() => undefined) : connect(...args)) as typeof pool.connect;
    // That never-released client would also make `end()` wait for ever: give it a moment, then go on closing.
    this.closers.push(() => Promise.race([pool.end(), new Promise((r) => setTimeout(r, 2000).unref())]));
    this.factory = createPostgresAdapter(pool, {
      tableName: 'socket_io_attachments',
      errorHandler,
      heartbeatInterval: this.config.REALTIME_HEARTBEAT_MS,
      heartbeatTimeout: 2 * this.config.REALTIME_HEARTBEAT_MS,
    });
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...options,
      serveClient: false,
      // Same-origin by default; only the configured origins may connect from a browser elsewhere.
      cors: this.config.CORS_ORIGINS.length ? { origin: this.config.CORS_ORIGINS } : undefined,
      maxHttpBufferSize: 256 * 1024,
    } as ServerOptions);
    if (this.factory) server.adapter(this.factory);
    return server;
  }

  override async dispose(): Promise<void> {
    this.closing = true;
    await super.dispose();
    while (this.closers.length) await this.closers.pop()!().catch(() => undefined);
  }
}
