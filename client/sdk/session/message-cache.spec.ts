import { MessageCache, type DecryptedMessage } from './message-cache.js';

const message = (channelId: string, seq: number, expiresAt: string): DecryptedMessage => ({
  channelId,
  id: `${channelId}-${seq}`,
  seq,
  epoch: 1,
  senderUserId: 'u',
  senderDeviceId: 'd',
  clientMessageId: `${channelId}-${seq}-client`,
  createdAt: '2026-01-01T00:00:00.000Z',
  expiresAt,
  deleted: false,
  content: { type: 'text', body: `m${seq}` },
});

describe('MessageCache: what a device keeps of its channels, never past expiry by its own clock', () => {
  let now = new Date('2026-01-10T00:00:00.000Z');
  const cache = () => new MessageCache(() => now);

  beforeEach(() => {
    now = new Date('2026-01-10T00:00:00.000Z');
  });

  it('returns a channel’s messages in sequence order, whatever order they arrived in', () => {
    const c = cache();
    for (const seq of [3, 1, 2]) c.remember(message('a', seq, '2026-02-01T00:00:00.000Z'));
    c.remember(message('b', 1, '2026-02-01T00:00:00.000Z'));
    expect(c.cached('a').map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(c.cached('b').map((m) => m.seq)).toEqual([1]);
    expect(c.cached('none')).toEqual([]);
  });

  it('drops a message once its expiry passes, on read and on purge, and counts what it dropped', () => {
    const c = cache();
    c.remember(message('a', 1, '2026-01-11T00:00:00.000Z'));
    c.remember(message('a', 2, '2026-01-12T00:00:00.000Z'));
    c.remember(message('b', 1, '2026-01-11T00:00:00.000Z'));
    expect(c.purgeExpired()).toBe(0);
    now = new Date('2026-01-11T00:00:00.000Z'); // expiry is exclusive: at the instant, it is gone
    expect(c.cached('a').map((m) => m.seq)).toEqual([2]);
    expect(c.purgeExpired()).toBe(0); // b's was purged by the read of a, which purges every channel
    expect(c.cached('b')).toEqual([]);
    now = new Date('2026-01-13T00:00:00.000Z');
    expect(c.purgeExpired()).toBe(1);
  });

  it('forgets messages by sequence number in one channel only', () => {
    const c = cache();
    for (const seq of [1, 2, 3]) c.remember(message('a', seq, '2026-02-01T00:00:00.000Z'));
    c.remember(message('b', 2, '2026-02-01T00:00:00.000Z'));
    c.forget('a', [2, 3, 9]);
    c.forget('unknown', [1]);
    expect(c.cached('a').map((m) => m.seq)).toEqual([1]);
    expect(c.cached('b').map((m) => m.seq)).toEqual([2]);
  });
});
