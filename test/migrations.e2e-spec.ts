import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrations } from '../src/database/data-source.js';
import { migrations } from '../src/database/migrations/index.js';
import { createDatabase } from './support/test-app.js';

/** The database as the last protocol v1 release left it: every migration before protocol v2. */
async function v1Database(url: string, withEpoch: boolean): Promise<void> {
  const v1 = migrations.slice(
    0,
    migrations.findIndex((m) => m.name.startsWith('ProtocolV2')),
  );
  const ds = new DataSource({ ...dataSourceOptions(url), migrations: v1, extra: { max: 1 } });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
    if (withEpoch) {
      // One v1 key period; its channel and devices do not matter here, so foreign keys are not checked.
      await ds.transaction(async (m) => {
        await m.query('SET LOCAL session_replication_role = replica');
        await m.query(
          `INSERT INTO channel_epochs (channel_id, epoch, opener_device_id, recipient_device_ids, signature, opened_at, first_seq)
           VALUES (gen_random_uuid(), 1, gen_random_uuid(), '{}', '\\x00', now(), 1)`,
        );
      });
    }
  } finally {
    await ds.destroy();
  }
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}

describe('upgrading a protocol v1 database', () => {
  it('refuses one that holds v1 key periods, saying what to do, and changes nothing', async () => {
    const db = await createDatabase();
    try {
      await v1Database(db.url, true);
      await expect(runMigrations(db.url)).rejects.toThrow(
        /holds 1 channel key period\(s\) encrypted with Strongroom's protocol v1.*start from an empty database/s,
      );
      const applied = await query<{ name: string }>(db.url, 'SELECT name FROM migrations');
      expect(applied.map((r) => r.name)).not.toContain('ProtocolV21764600000000');
      const columns = await query<{ column_name: string }>(
        db.url,
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'identity_public_key'",
      );
      expect(columns).toEqual([]);
      expect(await query(db.url, 'SELECT epoch FROM channel_epochs')).toEqual([{ epoch: 1 }]);
    } finally {
      await db.drop();
    }
  });

  it('upgrades one with no key periods (accounts and agreements only, as the demo seed makes)', async () => {
    const db = await createDatabase();
    try {
      await v1Database(db.url, false);
      // Protocol v2 and every migration after it, whatever later ones are added.
      const fromV2 = migrations.slice(migrations.findIndex((m) => m.name.startsWith('ProtocolV2')));
      expect(fromV2[0].name).toBe('ProtocolV21764600000000');
      expect(await runMigrations(db.url)).toEqual(fromV2.map((m) => m.name));
    } finally {
      await db.drop();
    }
  });
});
