import {
  mayHoldEpochKey,
  membershipRefusal,
  newChannelRefusal,
  requestChannelRefusal,
  readPositionRefusal,
  recipientsMatch,
  rotationDue,
  type MemberDeviceFacts,
  type RotationState,
} from './channel-rules.js';

const now = new Date('2026-06-01T12:00:00.000Z');
const ms = (delta: number) => new Date(now.getTime() + delta);
const HOUR = 3_600_000;

describe('membershipRefusal', () => {
  it.each([
    ['a member with no end date may use the channel', { endsAt: null }, true, null],
    ['an observer whose access ends later may use it', { endsAt: ms(1) }, true, null],
    ['an observer whose access ends exactly now is refused', { endsAt: now }, true, [403, 'membership_ended']],
    ['an observer whose access has ended is refused', { endsAt: ms(-1) }, true, [403, 'membership_ended']],
    ['a non-member of an existing channel is refused as not a member', null, true, [403, 'not_a_member']],
    ['a non-member of a missing channel learns only that it was not found', null, false, [404, 'not_found']],
  ] as const)('%s', (_name, member, exists, expected) => {
    const refusal = membershipRefusal(member, exists, now);
    expect(refusal && [refusal.status, refusal.code]).toEqual(expected);
  });
});

describe('rotationDue', () => {
  const limits = { maxMessages: 500, maxAgeHours: 168 };
  const fresh: RotationState = {
    rotationRequired: false,
    rotationReason: null,
    currentEpoch: 3,
    epochMessageCount: 0,
    epochOpenedAt: ms(-HOUR),
  };
  it.each([
    ['a fresh epoch is usable', {}, null],
    [
      'a channel with no epoch yet, with its reason',
      { currentEpoch: 0, rotationReason: 'no_epoch_yet' },
      'no_epoch_yet',
    ],
    ['no epoch yet and no reason stored', { currentEpoch: 0 }, 'rotation_required'],
    [
      'a stored requirement, with its reason',
      { rotationRequired: true, rotationReason: 'member_added' },
      'member_added',
    ],
    ['a stored requirement without a reason', { rotationRequired: true }, 'rotation_required'],
    ['499 messages: still usable', { epochMessageCount: 499 }, null],
    ['exactly 500 messages: due', { epochMessageCount: 500 }, 'epoch_message_limit'],
    ['one millisecond short of 7 days: still usable', { epochOpenedAt: ms(-168 * HOUR + 1) }, null],
    ['exactly 7 days old: due', { epochOpenedAt: ms(-168 * HOUR) }, 'epoch_age_limit'],
    ['older than 7 days: due', { epochOpenedAt: ms(-200 * HOUR) }, 'epoch_age_limit'],
    ['no opening time recorded: no age limit', { epochOpenedAt: null }, null],
    [
      'a stored requirement comes before the message limit',
      { rotationRequired: true, rotationReason: 'device_revoked', epochMessageCount: 600 },
      'device_revoked',
    ],
    [
      'the message limit comes before the age limit',
      { epochMessageCount: 500, epochOpenedAt: ms(-200 * HOUR) },
      'epoch_message_limit',
    ],
  ] as const)('%s', (_name, over, expected) => {
    expect(rotationDue({ ...fresh, ...over }, now, limits)).toBe(expected);
  });
});

describe('readPositionRefusal', () => {
  it.each([
    ['nothing read in a channel with no messages', 0, 0, null],
    ['up to a message before the latest', 3, 7, null],
    ['up to the latest message', 7, 7, null],
    ['one past the latest is refused, naming the field', 8, 7, 400],
    ['a message in a channel with none is refused', 1, 0, 400],
  ] as const)('%s', (_name, seq, lastSeq, status) => {
    const refusal = readPositionRefusal(seq, lastSeq);
    expect(refusal?.status ?? null).toBe(status);
    if (refusal) {
      expect(refusal.code).toBe('validation_failed');
      expect(refusal.details).toEqual({ fields: { seq: [expect.any(String)] }, lastSeq });
    }
  });
});

describe('recipientsMatch', () => {
  const a = '00000000-0000-4000-8000-00000000000a';
  const b = '00000000-0000-4000-8000-00000000000b';
  const c = '00000000-0000-4000-8000-00000000000c';
  it.each([
    ['exactly the member devices, in any order', [a, b, c], [c, a, b], true],
    ['one member device missing', [a, b, c], [a, b], false],
    ['an extra device that is not a member’s', [a, b], [a, b, c], false],
    ['one device swapped for another', [a, b], [a, c], false],
    ['none given for members who have devices', [a], [], false],
    ['no member devices and none given', [], [], true],
  ] as const)('%s', (_name, members, given, expected) => {
    expect(recipientsMatch(members, given)).toBe(expected);
  });
});

describe('mayHoldEpochKey', () => {
  const signed: MemberDeviceFacts = {
    agencyId: 'ag1',
    agencyStatus: 'signed',
    withdrawalEffectiveAt: null,
    endsAt: null,
  };
  const none = new Map<string, unknown>();
  it.each([
    ['a member of a signed agency', {}, none, true],
    ['an agency that has not signed', { agencyStatus: 'registered' }, none, false],
    ['a suspended agency', { agencyStatus: 'suspended' }, none, false],
    ['a withdrawn agency', { agencyStatus: 'withdrawn' }, none, false],
    ['notice given, withdrawal later', { agencyStatus: 'notice_given', withdrawalEffectiveAt: ms(1) }, none, true],
    [
      'notice given, withdrawal effective now',
      { agencyStatus: 'notice_given', withdrawalEffectiveAt: now },
      none,
      false,
    ],
    ['an observer whose access ends later', { endsAt: ms(1) }, none, true],
    ['an observer whose access ends exactly now', { endsAt: now }, none, false],
    ['an agency the sharing policy refuses', {}, new Map([['ag1', 'refused']]), false],
    ['another agency refused, not this one', {}, new Map([['ag2', 'refused']]), true],
  ] as const)('%s', (_name, over, refused, expected) => {
    expect(mayHoldEpochKey({ ...signed, ...over }, now, refused)).toBe(expected);
  });
});

describe('newChannelRefusal', () => {
  const bounds = { min: 1, max: 3650 };
  const x = { userId: 'x', role: 'member' } as const;
  const y = { userId: 'y', role: 'member' } as const;
  const fieldsOf = (e: ReturnType<typeof newChannelRefusal>) => Object.keys(e?.details?.fields ?? {});
  it.each([
    ['a meeting with two others', 'locality_meeting', [x, y], 365, null],
    ['a meeting with no one else yet', 'professionals_meeting', [], 365, null],
    ['a person listed twice', 'locality_meeting', [x, x], 365, ['members']],
    ['a direct channel with one other member', 'direct', [x], 90, null],
    ['a direct channel with two others', 'direct', [x, y], 90, ['members']],
    ['a direct channel with no one', 'direct', [], 90, ['members']],
    ['a direct channel naming the other as chair', 'direct', [{ userId: 'x', role: 'chair' }], 90, ['members']],
    ['retention at the lower bound', 'referral', [], 1, null],
    ['retention at the upper bound', 'referral', [], 3650, null],
    ['retention below the bounds', 'referral', [], 0, ['retentionDays']],
    ['retention above the bounds', 'referral', [], 3651, ['retentionDays']],
    ['duplicates are reported before the direct rule', 'direct', [x, x], 90, ['members']],
    ['the direct rule is reported before retention', 'direct', [], 0, ['members']],
    ['an information request’s conversation with its maker alone', 'information_request', [], 365, null],
    ['an information request’s conversation with someone else', 'information_request', [x], 365, ['members']],
  ] as const)('%s', (_name, kind, others, days, fields) => {
    const refusal = newChannelRefusal(kind, others, days, bounds);
    if (fields === null) expect(refusal).toBeNull();
    else {
      expect(refusal && [refusal.status, refusal.code]).toEqual([400, 'validation_failed']);
      expect(fieldsOf(refusal)).toEqual(fields);
    }
  });
});

describe('requestChannelRefusal', () => {
  it('keeps members of an information request’s conversation to the request, and no other kind', () => {
    expect(requestChannelRefusal('information_request')).toMatchObject({ status: 409, code: 'request_channel' });
    for (const kind of ['direct', 'locality_meeting', 'family_meeting', 'professionals_meeting', 'referral'] as const) {
      expect(requestChannelRefusal(kind)).toBeNull();
    }
  });
});
