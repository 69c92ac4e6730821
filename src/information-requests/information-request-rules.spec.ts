import { declineSealedBytes } from '../../contracts/information-requests.js';
import { allowedActions, declineRefusal, isOverdue, partIn, stateRefusal } from './information-request-rules.js';

/** Sealed bytes of `n` bytes, as base64url: the server reads only their length. */
const sealedOf = (n: number) => ({ epoch: 1, ciphertext: Buffer.alloc(n, 7).toString('base64url') });

describe('who may do what with an information request, in which state', () => {
  it.each([
    ['agency_admin', 'requested', ['accept', 'assign', 'decline']],
    ['agency_admin', 'accepted', ['assign', 'provide', 'decline']],
    ['assignee', 'requested', ['accept', 'decline']],
    ['assignee', 'accepted', ['provide', 'decline']],
    ['requester', 'requested', ['withdraw']],
    ['requester', 'accepted', ['withdraw']],
    ['requester', 'provided', ['close']],
    ['requester', 'declined', ['close']],
    ['agency_admin', 'provided', []],
    ['requester', 'withdrawn', []],
    ['agency_admin', 'closed', []],
  ] as const)('%s of a %s request may: %j', (part, state, actions) => {
    expect(allowedActions(part, state)).toEqual(actions);
  });

  it('knows the agency’s admin, the assignee and the asking side, and nobody else', () => {
    const request = { toAgencyId: 'police', assigneeUserId: 'officer' };
    expect(partIn({ id: 'a', agencyId: 'police', role: 'agency_admin' }, request, false)).toBe('agency_admin');
    expect(partIn({ id: 'officer', agencyId: 'police', role: 'practitioner' }, request, true)).toBe('assignee');
    expect(partIn({ id: 'pc', agencyId: 'police', role: 'practitioner' }, request, true)).toBeNull();
    expect(partIn({ id: 'lead', agencyId: 'council', role: 'practitioner' }, request, true)).toBe('requester');
    expect(partIn({ id: 'teacher', agencyId: 'school', role: 'agency_admin' }, request, false)).toBeNull();
  });

  it('refuses a stale transition with the state in plain words', () => {
    expect(stateRefusal('provide', 'accepted')).toBeNull();
    expect(stateRefusal('provide', 'withdrawn')).toMatchObject({
      status: 409,
      code: 'invalid_status',
      message: 'This request is withdrawn, so it cannot be answered now.',
    });
    expect(stateRefusal('provide', 'requested')?.message).toBe(
      'Accept the request before providing what your agency holds.',
    );
    expect(stateRefusal('close', 'accepted')?.message).toContain('withdraw it');
  });

  it('is overdue only while unanswered after its due time', () => {
    const due = new Date('2026-03-10T12:00:00Z');
    const after = new Date('2026-03-10T12:00:01Z');
    expect(isOverdue('requested', due, after)).toBe(true);
    expect(isOverdue('accepted', due, after)).toBe(true);
    expect(isOverdue('requested', due, due)).toBe(false);
    for (const state of ['provided', 'declined', 'closed', 'withdrawn'] as const) {
      expect(isOverdue(state, due, after)).toBe(false);
    }
  });
});

describe('the decline rule the server can check without reading the explanation', () => {
  const refusal = 'Explain in at least a sentence why your agency will not share this — 20 characters or more.';

  it('refuses an explanation left out, a length left out, or a length under 20', () => {
    for (const input of [
      {},
      { explanationLength: 40 },
      { explanation: sealedOf(104) },
      { explanation: sealedOf(104), explanationLength: 19 },
    ]) {
      expect(declineRefusal(input)).toMatchObject({ status: 400, code: 'explanation_required', message: refusal });
    }
  });

  it('refuses sealed bytes too few to hold the length declared, and far more than it could fill', () => {
    // 20 characters: a 64-byte padded body at least (24 + 16 + 64 = 104), at most that of 120 bytes of JSON.
    expect(declineSealedBytes(20)).toEqual({ min: 104, max: 40 + 256 });
    expect(declineRefusal({ explanation: sealedOf(104), explanationLength: 20 })).toBeNull();
    expect(declineRefusal({ explanation: sealedOf(296), explanationLength: 20 })).toBeNull();
    expect(declineRefusal({ explanation: sealedOf(103), explanationLength: 20 })).toMatchObject({
      code: 'explanation_required',
      message: refusal,
    });
    // 60 characters need more than one 64-byte body: 11 + 60 + 2 + 1 > 64.
    expect(declineRefusal({ explanation: sealedOf(104), explanationLength: 60 })).toMatchObject({
      code: 'explanation_required',
    });
    expect(declineRefusal({ explanation: sealedOf(168), explanationLength: 60 })).toBeNull();
    expect(declineRefusal({ explanation: sealedOf(297), explanationLength: 20 })).toMatchObject({
      status: 400,
      code: 'validation_failed',
    });
  });
});
