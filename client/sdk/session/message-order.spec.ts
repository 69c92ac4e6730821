import { messageChainLink, type MessageHeader } from '../crypto/channel-crypto.js';
import { OrderCheck, type OrderVerdict } from './message-order.js';

const channelId = '2a7c9e1b-3d5f-4a6b-8c0d-e1f2a3b4c5d6';
const deviceA = 'd1d1d1d1-0000-4000-8000-000000000001';
const deviceB = 'd2d2d2d2-0000-4000-8000-000000000002';
const t0 = Date.parse('2026-03-04T05:00:00.000Z');
const DAY = 86_400_000;

/** A device's honest chain of `count` messages, one a minute. */
async function chain(device: string, count: number, from = 0): Promise<MessageHeader[]> {
  const out: MessageHeader[] = [];
  let prev: string | null = null;
  for (let i = 1; i <= count; i++) {
    const h: MessageHeader = {
      v: 2,
      channelId,
      epoch: 1,
      senderDeviceId: device,
      clientMessageId: `c0c0c0c0-0000-4000-8000-${String(i).padStart(12, '0')}`,
      n: i,
      prev,
      sentAt: new Date(t0 + (from + i) * 60_000).toISOString(),
    };
    out.push(h);
    prev = await messageChainLink(h);
  }
  return out;
}

const at = (h: MessageHeader, shiftMs = 0, seq?: number) => ({
  seq,
  header: h,
  createdAt: new Date(Date.parse(h.sentAt) + shiftMs).toISOString(),
  expiresAt: new Date(Date.parse(h.sentAt) + 30 * DAY).toISOString(),
});

async function run(messages: ReturnType<typeof at>[], now = t0 + DAY): Promise<OrderVerdict['order'][]> {
  const check = new OrderCheck(() => new Date(now));
  const out: OrderVerdict['order'][] = [];
  for (const [i, m] of messages.entries()) out.push((await check.check({ ...m, seq: m.seq ?? i + 1 })).order);
  return out;
}

describe('signed order: what a reader flags', () => {
  it('an honest interleaving of two devices is all ok, and a clock a little off is fine', async () => {
    const [a, b] = [await chain(deviceA, 3), await chain(deviceB, 2)];
    expect(await run([at(a[0]), at(b[0], 90_000), at(a[1]), at(b[1], -90_000), at(a[2])])).toEqual(Array(5).fill('ok'));
  });

  it('a lower number after a higher one is reordered; the first one seen starts the chain', async () => {
    const a = await chain(deviceA, 3);
    expect(await run([at(a[1]), at(a[0]), at(a[2])])).toEqual(['ok', 'reordered', 'ok']);
  });

  it('the next number with another link is reordered (replaced)', async () => {
    const a = await chain(deviceA, 3);
    const other = { ...a[1], clientMessageId: 'c0c0c0c0-0000-4000-8000-ffffffffffff' };
    expect(await run([at(a[0]), at(other), at(a[2])])).toEqual(['ok', 'ok', 'reordered']);
  });

  it('a skipped number is missing while the message before it is live, and excused once it expired', async () => {
    const a = await chain(deviceA, 3);
    expect(await run([at(a[0]), at(a[2])])).toEqual(['ok', 'missing']);
    expect(await run([at(a[0]), at(a[2])], t0 + 31 * DAY)).toEqual(['ok', 'ok']);
  });

  it('a recorded time hours from the sender’s clock is backdated', async () => {
    const a = await chain(deviceA, 2);
    expect(await run([at(a[0]), at(a[1], -3 * 3_600_000)])).toEqual(['ok', 'backdated']);
  });

  it('a message written long before one shown above it (another device) is reordered', async () => {
    const a = await chain(deviceA, 1);
    const b = await chain(deviceB, 1, 60);
    expect(await run([at(b[0]), at(a[0])])).toEqual(['ok', 'reordered']);
  });
});

describe('signed order across devices: the message a sender had seen', () => {
  /** b's first message, answering the message at `seq` whose header is `seen`. */
  const answer = async (seen: MessageHeader, seq: number) => ({
    ...(await chain(deviceB, 1))[0],
    seen: { seq, link: await messageChainLink(seen) },
  });

  it('an answer after the message it names is ok', async () => {
    const a = await chain(deviceA, 2);
    expect(await run([at(a[0]), at(a[1]), at(await answer(a[1], 2))])).toEqual(['ok', 'ok', 'ok']);
  });

  it('a removed message that someone answered is missing, even when it was its sender’s last', async () => {
    const a = await chain(deviceA, 2);
    // a[1] was at seq 2 and is gone; the answer is at seq 3.
    expect(await run([at(a[0], 0, 1), at(await answer(a[1], 2), 0, 3)])).toEqual(['ok', 'missing']);
    // Its sender's only message, removed: still missing, as long as something before it is shown.
    const b0 = (await chain(deviceB, 1, 5))[0];
    const c = { ...(await chain(deviceA, 1, 6))[0], senderDeviceId: 'd3d3d3d3-0000-4000-8000-000000000003' };
    const answering = { ...c, seen: { seq: 2, link: await messageChainLink(a[0]) } };
    expect(await run([at(b0, 0, 1), at(answering, 0, 3)])).toEqual(['ok', 'missing']);
  });

  it('another message where the answered one was shown is reordered (replaced)', async () => {
    const a = await chain(deviceA, 2);
    expect(await run([at(a[0]), at(a[1]), at(await answer(a[0], 2))])).toEqual(['ok', 'ok', 'reordered']);
  });

  it('an answer moved before the message it names is reordered', async () => {
    const a = await chain(deviceA, 1);
    expect(await run([at(await answer(a[0], 2), 0, 1), at(a[0], 0, 2)])).toEqual(['reordered', 'ok']);
  });

  it('a message before the first one shown (before a join, or expired) is not flagged', async () => {
    const a = await chain(deviceA, 3);
    expect(await run([at(a[2], 0, 5), at(await answer(a[1], 4), 0, 6)])).toEqual(['ok', 'ok']);
  });

  it('an answered message that is shown but failed verification holds its place', async () => {
    const a = await chain(deviceA, 1);
    const check = new OrderCheck(() => new Date(t0 + DAY));
    check.shown(1);
    expect((await check.check({ ...at(await answer(a[0], 1)), seq: 2 })).order).toBe('ok');
  });
});
