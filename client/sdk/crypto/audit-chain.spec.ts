// eslint-disable-next-line no-restricted-imports -- a test, not the SDK: it proves the SDK and the server hash the chain alike.
import { chainHash } from '../../../src/audit/audit-chain.js';
import { AUDIT_GENESIS_HASH, checkChain, eventHash, type ChainedEvent } from './audit-chain.js';

/**
 * Known answers computed outside JavaScript, with Python's hashlib and
 * `json.dumps(event, sort_keys=True, separators=(',', ':'), ensure_ascii=False)`:
 * the chain format is what the ADR says, not merely what this code and the server agree on.
 */
const first = {
  seq: 1,
  occurredAt: '2026-01-02T03:04:05.678Z',
  actorUserId: null,
  actorAgencyId: null,
  action: 'agency.registered',
  targetType: 'agency',
  targetId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  outcome: 'success',
  requestId: 'r-1',
  sourceIp: '127.0.0.1',
  details: { sector: 'police', deaS35Partner: false, note: 'Café ✓' },
};
const FIRST_HASH = '6c388b852f58443a63a366c2253be81969768ff5db1cf8a809a500acee1b65d9';
const second = { ...first, seq: 2, action: 'user.created', details: { role: 'practitioner', n: 3 } };
const SECOND_HASH = '26749694489a347c13a329946a203a1c8db8b01d6c4e5f42150ca04553c046a0';

const chain = (): ChainedEvent[] => [
  { ...first, prevHash: AUDIT_GENESIS_HASH, hash: FIRST_HASH },
  { ...second, prevHash: FIRST_HASH, hash: SECOND_HASH },
];

describe('audit chain check in the SDK', () => {
  it('matches hashes computed independently in Python', async () => {
    expect(await eventHash(AUDIT_GENESIS_HASH, { ...first, prevHash: '', hash: '' })).toBe(FIRST_HASH);
    expect(await eventHash(FIRST_HASH, { ...second, prevHash: '', hash: '' })).toBe(SECOND_HASH);
  });

  it("agrees with the server's own hash function", () => {
    expect(chainHash(AUDIT_GENESIS_HASH, first)).toBe(FIRST_HASH);
    expect(chainHash(FIRST_HASH, second)).toBe(SECOND_HASH);
  });

  it('accepts an intact chain and reports its head', async () => {
    await expect(checkChain(chain())).resolves.toEqual({ last: { seq: 2, hash: SECOND_HASH }, firstBroken: null });
  });

  it('finds an edited field, a missing event and a re-linked event', async () => {
    const edited = chain();
    (edited[1] as unknown as { outcome: string }).outcome = 'failure';
    expect((await checkChain(edited)).firstBroken).toEqual({ seq: 2, reason: 'hash_mismatch' });

    expect((await checkChain(chain().slice(1))).firstBroken).toEqual({ seq: 1, reason: 'sequence_gap' });

    const relinked = chain();
    relinked[1].prevHash = AUDIT_GENESIS_HASH;
    expect((await checkChain(relinked)).firstBroken).toEqual({ seq: 2, reason: 'prev_hash_mismatch' });
  });

  it('hashes a field the SDK does not know about, so nothing can be slipped in beside the known ones', async () => {
    const extra = chain();
    (extra[0] as unknown as Record<string, unknown>).note = 'added later';
    expect((await checkChain(extra)).firstBroken).toEqual({ seq: 1, reason: 'hash_mismatch' });
  });

  it('continues from a given link, page by page', async () => {
    const [, two] = chain();
    await expect(checkChain([two], { seq: 1, hash: FIRST_HASH })).resolves.toEqual({
      last: { seq: 2, hash: SECOND_HASH },
      firstBroken: null,
    });
  });
});
