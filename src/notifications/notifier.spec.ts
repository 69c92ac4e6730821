import { FRAME_CIPHERTEXT_MAX, framesOf, Notifier, type NewMessage } from './notifier.js';
import { sessionRoom, userRoom } from './realtime-events.js';

/**
 * A `/rt` namespace with one socket in every room, recording what that socket hears, in order. Like the
 * PostgreSQL and Redis adapters, an operation through the adapter (`to`, `in`) reaches this instance's
 * sockets only once its publication is done, and publications finish in no set order: here a broadcast
 * takes longer than a disconnect. `local` operations act at once.
 */
class FakeNamespace {
  readonly heard: string[] = [];
  readonly published: [string, unknown][] = [];
  readonly handlers = new Map<string, (data: never) => void>();

  on(event: string, handler: (data: never) => void): void {
    this.handlers.set(event, handler);
  }
  serverSideEmit(event: string, data: unknown): void {
    this.published.push([event, data]);
  }
  get local() {
    return {
      to: (rooms: string | string[]) => ({
        emit: (event: string, p: { reason: string }) => this.heard.push(`${event} ${p.reason} ${String(rooms)}`),
      }),
      in: (rooms: string | string[]) => ({ disconnectSockets: () => this.heard.push(`cut ${String(rooms)}`) }),
    };
  }
  to(rooms: string | string[]) {
    return {
      emit: (event: string, p: { reason: string }) =>
        void new Promise((r) => setTimeout(r, 10)).then(() => this.heard.push(`${event} ${p.reason} ${String(rooms)}`)),
    };
  }
  in(rooms: string | string[]) {
    return {
      disconnectSockets: () =>
        void new Promise((r) => setTimeout(r, 1)).then(() => this.heard.push(`cut ${String(rooms)}`)),
    };
  }
}

const settle = () => new Promise((r) => setTimeout(r, 30));

describe('cutting sockets whose session ended', () => {
  function bound(): { notifier: Notifier; nsp: FakeNamespace } {
    const nsp = new FakeNamespace();
    const notifier = new Notifier();
    notifier.bind(nsp as never);
    return { notifier, nsp };
  }

  it('tells this instance’s sockets why before cutting them, however the adapter orders its publications', async () => {
    const { notifier, nsp } = bound();
    notifier.disconnectSessions(['s1', 's2'], 'logout');
    await settle();
    const rooms = [sessionRoom('s1'), sessionRoom('s2')];
    expect(nsp.heard).toEqual([`session.revoked logout ${String(rooms)}`, `cut ${String(rooms)}`]);
  });

  it('asks every other instance to do the same with its own sockets, and does it when asked', async () => {
    const { notifier, nsp } = bound();
    notifier.disconnectUser('u1', 'account_disabled');
    const [[event, data]] = nsp.published;
    expect(data).toEqual({ rooms: [userRoom('u1')], reason: 'account_disabled' });

    const other = bound();
    other.nsp.handlers.get(event)!(data as never);
    await settle();
    expect(other.nsp.heard).toEqual([`session.revoked account_disabled ${userRoom('u1')}`, `cut ${userRoom('u1')}`]);
  });

  it('does nothing for no sessions', async () => {
    const { notifier, nsp } = bound();
    notifier.disconnectSessions([], 'logout');
    await settle();
    expect([nsp.heard, nsp.published]).toEqual([[], []]);
  });
});

describe('framing a commit’s new messages', () => {
  const msg = (channelId: string, seq: number, ciphertext = 'x'.repeat(22)): NewMessage =>
    ({ channelId, message: { seq, ciphertext } }) as unknown as NewMessage;
  const shape = (frames: ReturnType<typeof framesOf<string | undefined>>) =>
    frames.map((f) => `${f.channelId}:${String(f.key)}:${f.messages.map((m) => m.seq).join(',')}`);

  it('puts a channel’s messages for the same listeners in one frame, channels apart, in sequence order', () => {
    const sent = [msg('a', 1), msg('b', 7), msg('a', 2), msg('a', 3), msg('b', 8)].map((item) => ({
      item,
      key: 'socket-1',
    }));
    expect(shape(framesOf(sent))).toEqual(['a:socket-1:1,2,3', 'b:socket-1:7,8']);
  });

  it('starts a new frame where the socket to leave out changes, so no listener hears a later message first', () => {
    const sent = [
      { item: msg('a', 1), key: 's1' },
      { item: msg('a', 2), key: 's1' },
      { item: msg('a', 3), key: 's2' },
      { item: msg('a', 4), key: 's1' },
      { item: msg('a', 5), key: undefined },
    ];
    expect(shape(framesOf(sent))).toEqual(['a:s1:1,2', 'a:s2:3', 'a:s1:4', 'a:undefined:5']);
  });

  it('cuts a run whose ciphertext would pass the frame’s limit, keeping every message once and in order', () => {
    const big = 'x'.repeat(FRAME_CIPHERTEXT_MAX / 2);
    const sent = [1, 2, 3, 4, 5].map((seq) => ({ item: msg('a', seq, big), key: 's1' }));
    expect(shape(framesOf(sent))).toEqual(['a:s1:1,2', 'a:s1:3,4', 'a:s1:5']);
    const huge = [{ item: msg('a', 9, 'x'.repeat(FRAME_CIPHERTEXT_MAX + 1)), key: 's1' }];
    expect(shape(framesOf(huge))).toEqual(['a:s1:9']); // one larger than the limit still goes, alone
  });

  it('is nothing for nothing', () => {
    expect(framesOf([])).toEqual([]);
  });
});
