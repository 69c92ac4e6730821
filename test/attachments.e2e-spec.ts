import { randomBytes, randomUUID } from 'node:crypto';
import {
  AttachmentIntegrityError,
  MemoryTrustStore,
  SecureSession,
  StrongroomClient,
  type FileReference,
} from '../client/sdk/index.js';
import { attachmentStoredBytes } from '../contracts/attachments.js';
import { RetentionService } from '../src/retention/retention.service.js';
import { countOf, firstRow } from './support/db.js';
import { FlakyProxy } from './support/flaky-proxy.js';
import { refused } from './support/refused.js';
import { dumpDatabase, markerForms, secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World, type Person } from './support/world.js';

const KiB = 1024;
const HOUR = 3_600_000;

/** Bytes as a source yields them: in uneven pieces, as a stream from disk or a network would. */
async function* pieces(bytes: Uint8Array, size = 10_000): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield await Promise.resolve(bytes.subarray(i, i + size));
}

async function readAll(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const p of it) parts.push(p);
  return Buffer.concat(parts);
}

/** A file with a marker written through it, as text, so a dump of the database can be searched for it. */
function markedFile(marker: string, size: number): Uint8Array {
  const out = Buffer.alloc(size, 0x2e);
  for (let at = 0; at + marker.length < size; at += 7000) out.write(marker, at, 'utf8');
  return new Uint8Array(out);
}

describe('encrypted attachments: who may upload and read, what the server stores, and what the client checks', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let police: string;
  let alice: Person;
  let bob: Person;
  let aliceS: SecureSession;
  let bobS: SecureSession;
  let channelId: string;

  const upload = (s: SecureSession, data: Uint8Array, opts: { name?: string; purpose?: 'message' | 'record' } = {}) =>
    s.uploadFile(channelId, pieces(data), { name: opts.name ?? 'notes.txt', size: data.length, purpose: opts.purpose });
  const chunkRows = (id: string) =>
    countOf(t, 'SELECT count(*)::int AS n FROM attachment_chunks WHERE attachment_id = $1', [id]);
  const attachmentRows = (id: string) => countOf(t, 'SELECT count(*)::int AS n FROM attachments WHERE id = $1', [id]);

  beforeAll(async () => {
    t = await startTestApp({ env: { EXPIRY_BATCH_SIZE: '3' } });
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    police = await w.agency('Police', { sector: 'police' });
    alice = await w.person(council, 'practitioner', 'alice');
    bob = await w.person(police, 'practitioner', 'bob');
    aliceS = await secureSession(alice.client, 'alice laptop', t);
    bobS = await secureSession(bob.client, 'bob laptop', t);
    channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
  });
  afterAll(() => t.close());

  it('a member sends a file with a caption; another member sees it as a file and downloads it, with progress both ways', async () => {
    const data = new Uint8Array(randomBytes(200 * KiB + 123));
    const up: number[] = [];
    const sent = await aliceS.sendFile(
      channelId,
      { source: pieces(data), name: 'referral form.pdf', mediaType: 'application/pdf', size: data.length },
      { caption: 'The form from school', onProgress: (p) => up.push(p.bytes) },
    );
    expect(up).toEqual([64 * KiB, 128 * KiB, 192 * KiB, data.length]);
    expect(sent.file).toMatchObject({ name: 'referral form.pdf', size: data.length, chunkSize: 64 * KiB });

    const view = (await bobS.readConversation(channelId)).messages.find((m) => m.seq === sent.message.seq)!;
    expect(view).toMatchObject({
      kind: 'file',
      senderUserId: alice.id,
      text: null,
      file: {
        name: 'referral form.pdf',
        mediaType: 'application/pdf',
        size: data.length,
        caption: 'The form from school',
      },
    });
    const down: number[] = [];
    const got = await readAll(bobS.downloadFile(view.file!.ref, { onProgress: (p) => down.push(p.bytes) }));
    expect(got.equals(Buffer.from(data))).toBe(true);
    expect(down.at(-1)).toBe(data.length);

    const meta = await bob.client.attachment(sent.file.attachmentId);
    expect(meta).toMatchObject({ state: 'complete', chunkCount: 4, sizeBytes: attachmentStoredBytes(data.length) });
  });

  it('round-trips an empty file and one of exactly one piece', async () => {
    for (const size of [0, 64 * KiB]) {
      const data = new Uint8Array(randomBytes(size));
      const ref = await upload(aliceS, data);
      expect((await readAll(bobS.downloadFile(ref))).equals(Buffer.from(data))).toBe(true);
    }
  });

  it('audits the upload (on completion) and the download (when it starts) with ids only, never the name', async () => {
    const ref = await upload(aliceS, new Uint8Array(1000), { name: 'audit-name-marker.txt' });
    await readAll(bobS.downloadFile(ref));
    const { rows } = await t.sql(
      `SELECT action, actor_user_id, details::text AS details FROM audit_events WHERE target_id = $1 ORDER BY seq`,
      [ref.attachmentId],
    );
    expect(rows.map((r: { action: string; actor_user_id: string }) => [r.action, r.actor_user_id])).toEqual([
      ['attachment.uploaded', alice.id],
      ['attachment.downloaded', bob.id],
    ]);
    expect(JSON.stringify(rows)).not.toContain('audit-name-marker');
  });

  it('the server is blind: a dump of the whole database holds neither the file’s content nor its name', async () => {
    const contentMarker = `FILE-CONTENT-${randomUUID()}`;
    const nameMarker = `FILE-NAME-${randomUUID()}`;
    await aliceS.sendFile(channelId, {
      source: pieces(markedFile(contentMarker, 150 * KiB)),
      name: `${nameMarker}.docx`,
      size: 150 * KiB,
    });
    const dump = await dumpDatabase(t.databaseUrl);
    expect(dump).toContain('attachment_chunks');
    for (const form of [...markerForms(contentMarker), ...markerForms(nameMarker)]) expect(dump).not.toContain(form);
  });

  describe('who may use a file', () => {
    let ref: FileReference;
    beforeAll(async () => {
      ref = await upload(aliceS, new Uint8Array(randomBytes(70 * KiB)));
    });

    it('refuses a non-member the file and each of its pieces, and 404s an unknown file', async () => {
      const eve = await w.person(council, 'practitioner', 'eve');
      await refused(eve.client.attachment(ref.attachmentId), 403, 'not_a_member');
      await refused(eve.client.attachmentChunk(ref.attachmentId, 0), 403, 'not_a_member');
      await refused(eve.client.attachment(randomUUID()), 404, 'not_found');
      const eveS = await secureSession(eve.client, 'eve laptop', t);
      await refused(
        eve.client.declareAttachment(channelId, {
          id: randomUUID(),
          deviceId: eveS.deviceId,
          chunkCount: 1,
          sizeBytes: 100,
          purpose: 'message',
        }),
        403,
        'not_a_member',
      );
    });

    it('refuses a removed member the file and its pieces, even with the reference they kept', async () => {
      const carol = await w.person(police, 'practitioner', 'carol');
      const carolS = await secureSession(carol.client, 'carol laptop', t);
      await aliceS.addMember(channelId, { userId: carol.id });
      expect((await readAll(carolS.downloadFile(ref))).length).toBe(70 * KiB);
      await alice.client.removeMember(channelId, carol.id);
      await refused(carol.client.attachment(ref.attachmentId), 403, 'not_a_member');
      await refused(carol.client.attachmentChunk(ref.attachmentId, 1), 403, 'not_a_member');
      await expect(readAll(carolS.downloadFile(ref))).rejects.toMatchObject({ status: 403 });
    });

    it('refuses the file to a member whose agency is no longer a signatory', async () => {
      const health = await w.agency('Health', { sector: 'health' });
      const dave = await w.person(health, 'practitioner', 'dave');
      await aliceS.addMember(channelId, { userId: dave.id });
      await expect(dave.client.attachment(ref.attachmentId)).resolves.toMatchObject({ state: 'complete' });
      const admin = await w.person(council, 'isa_admin', 'isa');
      await admin.client.suspendAgency(health, 'Audit finding: sharing paused pending review');
      await refused(dave.client.attachment(ref.attachmentId), 403, 'agency_not_signed');
      await refused(dave.client.attachmentChunk(ref.attachmentId, 0), 403, 'agency_not_signed');
    });

    it('lets an observer read a file but not add one; only the uploader may add pieces or complete it', async () => {
      const auditor = await w.person(council, 'auditor', 'auditor');
      const auditorS = await secureSession(auditor.client, 'auditor laptop', t);
      await alice.client.addMember(channelId, {
        userId: auditor.id,
        role: 'observer',
        endsAt: new Date(t.clock.now().getTime() + 86_400_000).toISOString(),
      });
      await expect(auditor.client.attachment(ref.attachmentId)).resolves.toMatchObject({ state: 'complete' });
      await refused(upload(auditorS, new Uint8Array(10)), 403, 'observer_read_only');

      const id = randomUUID();
      await alice.client.declareAttachment(channelId, {
        id,
        deviceId: aliceS.deviceId,
        chunkCount: 1,
        sizeBytes: 100,
        purpose: 'message',
      });
      await refused(bob.client.putAttachmentChunk(id, 0, new Uint8Array(100)), 403, 'not_your_attachment');
      await refused(bob.client.completeAttachment(id), 403, 'not_your_attachment');
      await refused(
        bob.client.declareAttachment(channelId, {
          id: randomUUID(),
          deviceId: aliceS.deviceId,
          chunkCount: 1,
          sizeBytes: 100,
          purpose: 'message',
        }),
        403,
        'not_your_device',
      );
    });
  });

  describe('uploads', () => {
    const declare = (id: string, chunkCount: number, sizeBytes: number) =>
      alice.client.declareAttachment(channelId, {
        id,
        deviceId: aliceS.deviceId,
        chunkCount,
        sizeBytes,
        purpose: 'message',
      });

    it('stores a piece sent twice with the same bytes once, refuses other bytes for it, and completes only when all are there', async () => {
      const id = randomUUID();
      await declare(id, 3, 300);
      const piece = new Uint8Array(randomBytes(100));
      await expect(alice.client.putAttachmentChunk(id, 0, piece)).resolves.toEqual({ index: 0, stored: 'stored' });
      await expect(alice.client.putAttachmentChunk(id, 0, piece)).resolves.toEqual({
        index: 0,
        stored: 'already_stored',
      });
      await refused(alice.client.putAttachmentChunk(id, 0, new Uint8Array(randomBytes(100))), 409, 'chunk_conflict');
      expect(await chunkRows(id)).toBe(1);
      const err = await refused(alice.client.completeAttachment(id), 409, 'attachment_incomplete');
      expect(err.details).toEqual({ missing: [1, 2], missingCount: 2 });
      expect(err.message).toBe(
        '2 of the 3 pieces of this file have not arrived yet: send them, then complete the upload.',
      );
      await refused(bob.client.attachmentChunk(id, 0), 409, 'attachment_not_ready');
      await alice.client.putAttachmentChunk(id, 1, new Uint8Array(100));
      await alice.client.putAttachmentChunk(id, 2, new Uint8Array(99));
      await refused(alice.client.completeAttachment(id), 409, 'attachment_size_mismatch');
      await refused(alice.client.putAttachmentChunk(id, 3, new Uint8Array(100)), 400, 'validation_failed');
    });

    it('refuses a file over ATTACHMENT_MAX_BYTES (25 MiB) with 413 too_large in plain words, before any piece is sent', async () => {
      const size = 25 * 1024 * KiB + 1;
      const err = await refused(
        aliceS.uploadFile(channelId, pieces(new Uint8Array(0)), { name: 'huge.mov', size }),
        413,
        'too_large',
      );
      expect(err.message).toBe('This file is too large: files can be at most 25 MiB.');
    });

    it('takes back what it stored of an upload whose source ran out before its size', async () => {
      const id = randomUUID();
      await expect(
        aliceS.uploadFile(channelId, pieces(new Uint8Array(100 * KiB)), {
          name: 'short.bin',
          size: 200 * KiB,
          attachmentId: id,
        }),
      ).rejects.toThrow('The file ended before the 204800 bytes it was said to have.');
      await refused(alice.client.attachment(id), 404, 'not_found');
    });

    it('refuses a piece that is not bytes (415) or larger than one encrypted piece (413)', async () => {
      const id = randomUUID();
      await declare(id, 2, 200);
      const put = (body: BodyInit, type: string) =>
        fetch(`${t.baseUrl}/api/attachments/${id}/chunks/0`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${alice.client.token}`, 'content-type': type },
          body,
        });
      const json = await put(JSON.stringify({ bytes: 'x' }), 'application/json');
      expect([json.status, ((await json.json()) as { error: { code: string } }).error.code]).toEqual([
        415,
        'unsupported_media_type',
      ]);
      const big = await put(new Uint8Array(64 * KiB + 19), 'application/octet-stream');
      expect([big.status, ((await big.json()) as { error: { code: string } }).error.code]).toEqual([
        413,
        'payload_too_large',
      ]);
    });

    it('sends a piece again after the network lost it, or lost the answer, and stores it once', async () => {
      const proxy = await FlakyProxy.start(t.baseUrl);
      try {
        const s = new SecureSession(
          new StrongroomClient(proxy.url, alice.client.token),
          aliceS.device,
          new MemoryTrustStore(),
          () => t.clock.now(),
          {
            retry: { giveUpAfterMs: 20_000, firstDelayMs: 20, maxDelayMs: 100 },
          },
        );
        const done = new Map<string, number>();
        proxy.rule = ({ method, path }) => {
          if (method !== 'PUT') return 'pass';
          const n = (done.get(path) ?? 0) + 1;
          done.set(path, n);
          if (n > 1) return 'pass';
          return path.endsWith('/chunks/0') ? 'refuse' : path.endsWith('/chunks/1') ? 'lose-reply' : 'pass';
        };
        const data = new Uint8Array(randomBytes(100 * KiB));
        const ref = await s.uploadFile(channelId, pieces(data), { name: 'flaky.bin', size: data.length });
        expect(
          proxy.seen.filter((r) => r.method === 'PUT').map((r) => [r.path.replace(/.*chunks\//, ''), r.action]),
        ).toEqual([
          ['0', 'refuse'],
          ['0', 'pass'],
          ['1', 'lose-reply'],
          ['1', 'pass'],
        ]);
        expect(await chunkRows(ref.attachmentId)).toBe(2);
        expect((await readAll(bobS.downloadFile(ref))).equals(Buffer.from(data))).toBe(true);
      } finally {
        await proxy.close();
      }
    });
  });

  describe('the client detects a file changed on the server', () => {
    let ref: FileReference;
    let other: FileReference;
    const data = new Uint8Array(randomBytes(3 * 64 * KiB + 500));
    const bytesOf = async (id: string, idx: number) =>
      (
        await firstRow<{ bytes: Buffer }>(
          t,
          'SELECT bytes FROM attachment_chunks WHERE attachment_id = $1 AND idx = $2',
          [id, idx],
        )
      ).bytes;
    const setChunk = (id: string, idx: number, bytes: Buffer) =>
      t.sql('UPDATE attachment_chunks SET bytes = $3 WHERE attachment_id = $1 AND idx = $2', [id, idx, bytes]);

    beforeEach(async () => {
      ref = await upload(aliceS, data);
      other = await upload(aliceS, data);
    });
    const fails = (r: FileReference = ref) =>
      expect(readAll(bobS.downloadFile(r))).rejects.toBeInstanceOf(AttachmentIntegrityError);

    it('a flipped byte', async () => {
      const b = await bytesOf(ref.attachmentId, 1);
      b[100] ^= 1;
      await setChunk(ref.attachmentId, 1, b);
      await fails();
    });

    it('two pieces swapped', async () => {
      const [a, b] = [await bytesOf(ref.attachmentId, 0), await bytesOf(ref.attachmentId, 1)];
      await setChunk(ref.attachmentId, 0, b);
      await setChunk(ref.attachmentId, 1, a);
      await fails();
    });

    it('a piece swapped in from another file', async () => {
      await setChunk(ref.attachmentId, 2, await bytesOf(other.attachmentId, 2));
      await fails();
    });

    it('the file cut short, or made longer, with the sizes on the server changed to match', async () => {
      await t.sql('DELETE FROM attachment_chunks WHERE attachment_id = $1 AND idx = 3', [ref.attachmentId]);
      await t.sql('UPDATE attachments SET chunk_count = 3, size_bytes = $2 WHERE id = $1', [
        ref.attachmentId,
        3 * (64 * KiB + 18),
      ]);
      await fails();
      // The reader keeps to the reference's size even when the server's row agrees with the change:
      await fails({ ...ref, size: 3 * 64 * KiB });
      // Made longer: a fifth piece (a copy of the last) and the sizes on the server to match.
      await t.sql(
        'INSERT INTO attachment_chunks (attachment_id, idx, bytes) SELECT attachment_id, 4, bytes FROM attachment_chunks WHERE attachment_id = $1 AND idx = 3',
        [other.attachmentId],
      );
      await t.sql(
        'UPDATE attachments SET chunk_count = 5, size_bytes = size_bytes + (SELECT octet_length(bytes) FROM attachment_chunks WHERE attachment_id = $1 AND idx = 4) WHERE id = $1',
        [other.attachmentId],
      );
      await fails(other);
    });
  });

  describe('expiry', () => {
    const retention = () => t.app.get(RetentionService);

    it('gives a message’s file the channel’s retention plus the upload window, refuses it once expired, and the job deletes it in bounded batches', async () => {
      const ref = await upload(aliceS, new Uint8Array(randomBytes(5 * 64 * KiB)));
      const meta = await alice.client.attachment(ref.attachmentId);
      const days = (await alice.client.channel(channelId)).retentionDays;
      expect(Date.parse(meta.expiresAt!) - Date.parse(meta.createdAt)).toBe(days * 24 * HOUR + 24 * HOUR);

      t.clock.set(new Date(Date.parse(meta.expiresAt!) + 1000));
      await alice.client.login({ email: alice.email, password: alice.password });
      await refused(alice.client.attachment(ref.attachmentId), 404, 'not_found');
      await refused(alice.client.attachmentChunk(ref.attachmentId, 0), 404, 'not_found');
      expect(await chunkRows(ref.attachmentId)).toBe(5);

      const report = await retention().expireAttachments();
      // EXPIRY_BATCH_SIZE is 3 here: at most 3 pieces go per transaction.
      expect(report.batches).toBeGreaterThanOrEqual(2);
      expect(await chunkRows(ref.attachmentId)).toBe(0);
      expect(await attachmentRows(ref.attachmentId)).toBe(0);
    });

    it('deletes uploads never completed within ATTACHMENT_UPLOAD_HOURS, and keeps a record’s file, which has no expiry of its own', async () => {
      await alice.client.login({ email: alice.email, password: alice.password });
      await bob.client.login({ email: bob.email, password: bob.password });
      const record = await upload(aliceS, new Uint8Array(1000), { purpose: 'record' });
      expect((await alice.client.attachment(record.attachmentId)).expiresAt).toBeNull();
      const abandoned = randomUUID();
      await alice.client.declareAttachment(channelId, {
        id: abandoned,
        deviceId: aliceS.deviceId,
        chunkCount: 2,
        sizeBytes: 200,
        purpose: 'message',
      });
      await alice.client.putAttachmentChunk(abandoned, 0, new Uint8Array(100));
      t.clock.advance(23 * HOUR);
      await retention().expireAttachments();
      expect(await attachmentRows(abandoned)).toBe(1);
      t.clock.advance(HOUR);
      await retention().expireAttachments();
      expect(await attachmentRows(abandoned)).toBe(0);
      expect(await chunkRows(abandoned)).toBe(0);

      t.clock.advance(20 * 365 * 24 * HOUR);
      await retention().expireAttachments();
      expect(await attachmentRows(record.attachmentId)).toBe(1);
    });

    it('takes the file back when its sender deletes the message', async () => {
      await alice.client.login({ email: alice.email, password: alice.password });
      await bob.client.login({ email: bob.email, password: bob.password });
      const { message, file } = await aliceS.sendFile(channelId, {
        source: pieces(new Uint8Array(500)),
        name: 'wrong file.pdf',
        size: 500,
      });
      await aliceS.readConversation(channelId);
      await aliceS.deleteMessage(channelId, message.seq);
      await refused(bob.client.attachment(file.attachmentId), 404, 'not_found');
      await retention().expireAttachments();
      expect(await attachmentRows(file.attachmentId)).toBe(0);
    });
  });
});
