import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** `pg_dump` and `pg_restore` of one PostgreSQL major version. */
export interface PgTools {
  major: number;
  pgDump: string;
  pgRestore: string;
}

const majorOf = (binary: string): number | null => {
  try {
    const out = execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const m = /(\d+)(?:\.\d+)?/.exec(out);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
};

/**
 * The client tools that can back up and restore a server of `serverMajor` (pg_dump refuses a newer
 * server): Debian's versioned ones in /usr/lib/postgresql/N/bin, else whatever is on PATH; the oldest that
 * is new enough. Null when none is (the embedded PostgreSQL brings no client tools).
 */
export function pgToolsFor(serverMajor: number): PgTools | null {
  const found: PgTools[] = [];
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    for (const v of readdirSync(debian)) {
      const bin = path.join(debian, v, 'bin');
      const pgDump = path.join(bin, 'pg_dump');
      const pgRestore = path.join(bin, 'pg_restore');
      const major = existsSync(pgDump) && existsSync(pgRestore) ? majorOf(pgDump) : null;
      if (major !== null) found.push({ major, pgDump, pgRestore });
    }
  }
  const onPath = majorOf('pg_dump');
  if (onPath !== null && majorOf('pg_restore') === onPath)
    found.push({ major: onPath, pgDump: 'pg_dump', pgRestore: 'pg_restore' });
  return found.filter((t) => t.major >= serverMajor).sort((a, b) => a.major - b.major)[0] ?? null;
}

/** The major version of the test run's PostgreSQL server, asked synchronously (for choosing tests at load). */
export function testServerMajor(): number {
  const url = process.env.STRONGROOM_TEST_ADMIN_URL;
  if (!url) throw new Error('STRONGROOM_TEST_ADMIN_URL is not set: run through jest (global setup).');
  const script =
    "const pg=require('pg');const c=new pg.Client({connectionString:process.argv[1]});" +
    "c.connect().then(()=>c.query('SHOW server_version_num')).then(r=>{console.log(r.rows[0].server_version_num);return c.end()})" +
    '.catch(e=>{console.error(e.message);process.exit(1)})';
  const out = execFileSync(process.execPath, ['-e', script, url], {
    encoding: 'utf8',
    cwd: path.join(__dirname, '..', '..'),
  });
  return Math.floor(Number(out.trim()) / 10000);
}
