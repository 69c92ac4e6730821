import { DataSource } from 'typeorm';
import type { SecureSession } from '../client/sdk/index.js';
import { RetentionService } from '../src/retention/retention.service.js';
import { refused } from './support/refused.js';
import { seal, secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World, type Person } from './support/world.js';

/**
 * Statements that touch every channel's messages at once, by design, each marked in its SQL with the
 * comment `/* every channel: <name> *\/` and listed here with why (docs/capacity.md, "Past one database"):
 * on a database sharded by channel they run on every shard in parallel.
 */
const EVERY_CHANNEL = new Set(['message expiry']);

/** The aliases a statement gives the messages table (`messages` itself where it gives none). */
function messageAliases(sql: string): string[] {
  const aliases: string[] = [];
  const ref = /\b(?:FROM|JOIN|INTO|UPDATE)\s+"?messages"?(?:\s+(?:AS\s+)?"?([A-Za-z_]\w*)"?)?/gi;
  const keywords = new Set(['where', 'set', 'on', 'using', 'order', 'limit', 'returning', 'values', 'select', 'group']);
  for (const m of sql.matchAll(ref)) {
    const alias = m[1] && !keywords.has(m[1].toLowerCase()) ? m[1] : 'messages';
    aliases.push(alias);
  }
  return aliases;
}

/** Whether the statement pins rows of `alias` to channels: an equality on its channel_id (or an INSERT naming it, on its own or in a WITH). */
function namesChannel(sql: string, alias: string): boolean {
  if (/\bINSERT\s+INTO\s+"?messages"?\s*\([^)]*\bchannel_id\b/i.test(sql)) return true;
  const column = alias === 'messages' ? `(?:"?messages"?\\.)?"?channel_id"?` : `"?${alias}"?\\."?channel_id"?`;
  return new RegExp(`${column}\\s*(?:=|IN\\s*\\()|=\\s*(?:ANY\\s*\\(\\s*)?${column}`, 'i').test(sql);
}

/**
 * The messages table can be sharded by channel (issue 17; docs/capacity.md): the channel is its distribution
 * key. Checked two ways on a real server: every unique constraint of the table includes the channel (a
 * distributed table's must); and every statement the server sent to PostgreSQL about messages, while
 * people sent, retried, read, continued their numbering, deleted, listed their channels and the expiry job
 * ran, named the channel of the rows it touched, except the statements marked as meant for every channel.
 */
describe('messages are keyed by their channel, the distribution key', () => {
  let t: TestApp;
  let alice: Person;
  let bob: Person;
  let aliceS: SecureSession;
  let bobS: SecureSession;
  const statements: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    const w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    alice = await w.person(council, 'practitioner', 'alice');
    bob = await w.person(council, 'practitioner', 'bob');
    aliceS = await secureSession(alice.client, 'alice laptop', t);
    bobS = await secureSession(bob.client, 'bob laptop', t);
    // Every statement TypeORM sends, as PostgreSQL receives it.
    const logger = t.app.get(DataSource).logger;
    const logQuery = logger.logQuery.bind(logger);
    logger.logQuery = (query, parameters, runner): void => {
      statements.push(query);
      logQuery(query, parameters, runner);
    };
  });
  afterAll(async () => {
    aliceS?.close();
    bobS?.close();
    await t.close();
  });

  it('has the channel in every unique constraint of the messages table', async () => {
    const { rows } = await t.sql(
      `SELECT c.conname, array_agg(a.attname::text ORDER BY a.attname) AS columns
         FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
        WHERE c.conrelid = 'messages'::regclass AND c.contype IN ('p', 'u')
        GROUP BY c.conname`,
    );
    const constraints = rows as { conname: string; columns: string[] }[];
    expect(constraints.map((c) => c.conname).sort()).toEqual([
      'messages_channel_device_client_message_key',
      'messages_channel_id_seq_key',
      'messages_pkey',
    ]);
    for (const c of constraints)
      expect({ [c.conname]: c.columns.includes('channel_id') }).toEqual({ [c.conname]: true });
    // Unique indexes made outside constraints count too.
    const { rows: indexes } = await t.sql(
      `SELECT i.indexrelid::regclass::text AS name, bool_or(a.attname = 'channel_id') AS has_channel
         FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
        WHERE i.indrelid = 'messages'::regclass AND i.indisunique GROUP BY i.indexrelid`,
    );
    expect((indexes as { name: string; has_channel: boolean }[]).filter((i) => !i.has_channel)).toEqual([]);
  });

  it('names the channel in every statement about messages, but the ones meant for every channel', async () => {
    const channelId = await aliceS.createChannel({ kind: 'direct', members: [{ userId: bob.id }] });
    statements.length = 0;
    // Sends over the socket, one retried with its client message id; a send over HTTP, and a reuse refused.
    const first = await aliceS.send(channelId, 'first');
    await aliceS.send(channelId, 'first', { clientMessageId: first.clientMessageId });
    await bobS.send(channelId, 'a reply');
    const byHttp = await seal(aliceS, channelId, 'over http');
    await alice.client.sendMessage(channelId, byHttp);
    await refused(
      alice.client.sendMessage(channelId, {
        ...(await seal(aliceS, channelId, 'something else')),
        clientMessageId: byHttp.clientMessageId,
      }),
      409,
      'client_message_id_reused',
    );
    // Reading, continuing the numbering, deleting, the channel list with its unread counts.
    expect((await bobS.readAll(channelId)).length).toBeGreaterThanOrEqual(3);
    await alice.client.messageChainHead(channelId, aliceS.deviceId);
    await alice.client.deleteMessage(channelId, first.seq);
    await bob.client.channels();
    // The expiry job, and then the keys no message needs.
    t.clock.advance(400 * 86_400_000);
    expect((await t.app.get(RetentionService).expireMessages()).messagesDeleted).toBeGreaterThan(0);

    const aboutMessages = statements.filter((s) => messageAliases(s).length > 0);
    expect(aboutMessages.length).toBeGreaterThan(8);
    const marked = (s: string) => /\/\* every channel: ([^*]+) \*\//.exec(s)?.[1]?.trim();
    const unpinned = aboutMessages.filter((s) => {
      const mark = marked(s);
      if (mark !== undefined) return !EVERY_CHANNEL.has(mark);
      return messageAliases(s).some((alias) => !namesChannel(s, alias));
    });
    expect(unpinned).toEqual([]);
    // The marked statements ran, so the list above is not stale.
    expect(new Set(aboutMessages.map(marked).filter(Boolean))).toEqual(EVERY_CHANNEL);
  });
});
