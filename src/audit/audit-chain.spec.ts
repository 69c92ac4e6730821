import { chainHash, findBreak, GENESIS_HASH, type ChainedFields } from './audit-chain.js';

function event(seq: number): ChainedFields {
  return {
    seq,
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    actorUserId: null,
    actorAgencyId: null,
    action: 'test.event',
    targetType: 'thing',
    targetId: String(seq),
    outcome: 'success',
    requestId: null,
    sourceIp: null,
    details: { n: seq },
  };
}

function chain(n: number) {
  const out = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const f = event(i);
    const hash = chainHash(prev, f);
    out.push({ ...f, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

describe('audit hash chain', () => {
  const start = { seq: 0, hash: GENESIS_HASH };

  it('accepts an intact chain and reports its head', () => {
    const events = chain(5);
    const r = findBreak(events, start);
    expect(r.break).toBeNull();
    expect(r.last).toEqual({ seq: 5, hash: events[4].hash });
  });

  it('detects an altered field at the altered event', () => {
    const events = chain(5);
    events[2] = { ...events[2], outcome: 'failure' };
    expect(findBreak(events, start).break).toEqual({ seq: 3, reason: 'hash_mismatch' });
  });

  it('detects a deleted event as a sequence gap', () => {
    const events = chain(5);
    events.splice(1, 1);
    expect(findBreak(events, start).break).toEqual({ seq: 2, reason: 'sequence_gap' });
  });

  it('detects a rewritten tail whose first link no longer matches', () => {
    const events = chain(4);
    const forged = { ...event(3), details: { n: 99 } };
    events[2] = { ...forged, prevHash: GENESIS_HASH, hash: chainHash(GENESIS_HASH, forged) };
    expect(findBreak(events, start).break).toEqual({ seq: 3, reason: 'prev_hash_mismatch' });
  });

  it('hashes independently of key order in details', () => {
    const a = { ...event(1), details: { x: 1, y: 'two' } };
    const b = { ...event(1), details: { y: 'two', x: 1 } };
    expect(chainHash(GENESIS_HASH, a)).toBe(chainHash(GENESIS_HASH, b));
  });
});
